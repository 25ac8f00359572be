using Haunt.Silo.Hosting;

namespace Haunt.Silo.Cli;

/// <summary>One status line per second: per region silos, entities, writes/s, backlog, lag p99, conflicts; converged or not.</summary>
public sealed class LiveView
{
    private readonly Dictionary<string, long> _lastWrites = [];

    public void Print(IReadOnlyList<RegionSnapshot> snapshots, TimeSpan elapsed)
    {
        var parts = snapshots.Select(s =>
        {
            var perSecond = s.LocalWrites - _lastWrites.GetValueOrDefault(s.Region, s.LocalWrites);
            _lastWrites[s.Region] = s.LocalWrites;
            return s.Up
                ? $"{s.Region,-5} {Silos(s)} {s.Entities,7} ent {perSecond,5} w/s backlog {s.BacklogRows,5} p99 {s.LagP99Ms,5:0} ms confl {s.Conflicts,3}"
                : $"{s.Region,-5} {Silos(s)} DOWN (restart it with the command above)";
        });
        Console.WriteLine($"[{elapsed:mm\\:ss}] {string.Join(" | ", parts)} | converged {ConvergenceVerdict.Describe(snapshots, "yes", "no")}");
    }

    /// <summary>"2/2 silos", or with the dead ones named by port: "1/2 silos (11211 DEAD)".</summary>
    public static string Silos(RegionSnapshot s)
    {
        var active = s.Silos.Count(x => x.Status == "Active");
        var down = s.Silos.Where(x => x.Status != "Active").Select(x => $"{x.Address.Split(':')[^1]} {(x.Status == "Dead" ? "DEAD" : x.Status)}").ToList();
        return $"{active}/{s.Silos.Count} silos" + (down.Count > 0 ? $" ({string.Join(", ", down)})" : "");
    }
}
