using Haunt.Silo.Hosting;

namespace Haunt.Silo.Cli;

/// <summary>One status line per second: per region entities, writes/s, backlog, lag p99, conflicts; converged or not.</summary>
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
                ? $"{s.Region,-5} {s.Entities,7} ent {perSecond,5} w/s backlog {s.BacklogRows,5} p99 {s.LagP99Ms,5:0} ms confl {s.Conflicts,3}"
                : $"{s.Region,-5} DOWN (restart it with the command above)";
        });
        var converged = snapshots.All(s => s.Up) && snapshots.Select(s => s.Digest).Distinct().Count() == 1;
        Console.WriteLine($"[{elapsed:mm\\:ss}] {string.Join(" | ", parts)} | converged {(converged ? "yes" : "no")}");
    }
}
