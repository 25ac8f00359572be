using System.Globalization;
using System.Text.Json;

namespace Haunt.Bench;

public sealed record LagFigures(int Samples, double P50Ms, double P95Ms, double P99Ms);

public sealed record CatchUp(double CutSeconds, long WritesDuringCut, long BacklogRowsAtHeal, double SecondsToConverge, double WorkingSetMbAtHeal, double ManagedHeapMbAtHeal);

/// <summary>The figures of one benchmark run, as a table and as JSON.</summary>
public sealed class BenchResults
{
    public string Machine { get; set; } = "";

    /// <summary>The engine of the Haunt regions' stores (the baseline always runs on SQLite).</summary>
    public string Store { get; set; } = "SQLite";

    /// <summary>What the silos exported (bench --telemetry).</summary>
    public BenchTelemetry Telemetry { get; set; }
    public double BaselineWritesPerSecond { get; set; }
    public double UnreplicatedChangesPerSecond { get; set; }
    /// <summary>The median of <see cref="ReplicatedRounds"/>: one round of a phase length read ±20 % between runs, and the first low.</summary>
    public double ReplicatedChangesPerSecond { get; set; }

    /// <summary>Each round of the replicated phase, in the order run.</summary>
    public List<double> ReplicatedRounds { get; set; } = [];
    // Null when a phase was left out (--only): a ratio over a phase that did not run is not a figure.
    public double? ReplicatedVsUnreplicated => Ratio(ReplicatedChangesPerSecond, UnreplicatedChangesPerSecond);
    public double? ReplicatedVsBaseline => Ratio(ReplicatedChangesPerSecond, BaselineWritesPerSecond);

    /// <summary>The unreplicated phase again with the store in PostgreSQL (the postgres phase).</summary>
    public PostgresFigures? Postgres { get; set; }

    /// <summary>PostgreSQL's unreplicated throughput over SQLite's, when the unreplicated phase ran on SQLite.</summary>
    public double? PostgresVsSqlite => Postgres is { } pg && Store == "SQLite" ? Ratio(pg.UnreplicatedChangesPerSecond, UnreplicatedChangesPerSecond) : null;

    /// <summary>Replicated throughput with two silos per region (on this machine's cores), and over one silo per region.</summary>
    public double TwoSilosReplicatedChangesPerSecond { get; set; }
    public double? TwoSilosVsOneSilo => Ratio(TwoSilosReplicatedChangesPerSecond, ReplicatedChangesPerSecond);
    /// <summary>Writes per second offered (all regions together) while <see cref="LagUnderLoad"/> was measured.</summary>
    public int LagRate { get; set; }
    public LagFigures? LagUnderLoad { get; set; }

    /// <summary>
    /// Writes per second offered while <see cref="LagAtHalfCapacity"/> was measured: half the replicated throughput of
    /// this run. A fixed rate sits near capacity on a slow run, and its lag then measures the queue, not the link.
    /// </summary>
    public int HalfCapacityRate { get; set; }
    public LagFigures? LagAtHalfCapacity { get; set; }
    public LagFigures? LagIdle { get; set; }
    public double WireBytesPerChange { get; set; }
    public double PayloadBytesPerChange { get; set; }
    public SlowLink? SlowLink { get; set; }
    /// <summary>Replicated throughput with the WAN delays over the same without: must not collapse.</summary>
    public double? SlowLinkVsReplicated => SlowLink is null ? null : Ratio(SlowLink.ReplicatedChangesPerSecond, ReplicatedChangesPerSecond);
    public CatchUp? CatchUpShort { get; set; }
    public CatchUp? CatchUpLong { get; set; }
    public double PeakWorkingSetMb { get; set; }

    /// <summary>Replication with and without operators hammering the sync API (issue 20, item 4).</summary>
    public OperatorLoad? OperatorLoad { get; set; }

    /// <summary>Strategies of some 8 KB replicated whole and with deltas (the large phase, issue 22).</summary>
    public LargeEntities? LargeEntities { get; set; }

    /// <summary>The change feed under the replicated load, with 0, 1 and 10 consumers (the feed phase, issue 23).</summary>
    public FeedFigures? Feed { get; set; }

    /// <summary>A region added to the running deployment (the join phase).</summary>
    public JoinFigures? Join { get; set; }

    /// <summary>A region removed from the running deployment (the leave phase).</summary>
    public LeaveFigures? Leave { get; set; }

    public double? HammeredVsQuietThroughput => OperatorLoad is { } o ? Ratio(o.HammeredChangesPerSecond, o.QuietChangesPerSecond) : null;

    public double? HammeredVsQuietLagP99 => OperatorLoad is { } o ? Ratio(o.Hammered.P99Ms, o.Quiet.P99Ms) : null;

    public double? HammeredVsQuietLagP99AtHalf => OperatorLoad is { } o ? Ratio(o.HammeredAtHalf.P99Ms, o.QuietAtHalf.P99Ms) : null;

    public void Print(bool json)
    {
        var f = CultureInfo.InvariantCulture;
        Console.WriteLine($"Haunt benchmark — {Machine}; regional stores on {Store}{(Telemetry == BenchTelemetry.None ? "" : $"; telemetry exported: {Telemetry}")}");
        Console.WriteLine(string.Create(f, $"| figure | value |"));
        Console.WriteLine("|---|---|");
        Row("plain Orleans baseline (ADO.NET storage on SQLite)", $"{BaselineWritesPerSecond:0} writes/s");
        Row("Haunt unreplicated (one region)", $"{UnreplicatedChangesPerSecond:0} changes/s");
        if (Postgres is { } pg)
        {
            Row("Haunt unreplicated (one region), store in PostgreSQL", pg.Unavailable ?? string.Create(f, $"{pg.UnreplicatedChangesPerSecond:0} changes/s") +
                (PostgresVsSqlite is { } p ? string.Create(f, $" ({p:0.00} of SQLite)") : "") + $"; {pg.Server}");
        }

        Row("Haunt replicated (three regions, until all applied; median of rounds)", $"{ReplicatedChangesPerSecond:0} changes/s ({Rounds(ReplicatedRounds)})");
        Row("replicated / unreplicated", ReplicatedVsUnreplicated is { } r ? string.Create(f, $"{r:0.00}") : "-");
        Row("replicated / baseline", ReplicatedVsBaseline is { } x ? string.Create(f, $"{x:0.0}x") : "-");
        Row("Haunt replicated, two silos per region", string.Create(f, $"{TwoSilosReplicatedChangesPerSecond:0} changes/s") +
            (TwoSilosVsOneSilo is { } t ? string.Create(f, $" ({t:0.00} of one silo per region)") : ""));
        Row(string.Create(f, $"lag at {LagRate:N0} writes/s p50 / p95 / p99"), Lag(LagUnderLoad));
        Row(string.Create(f, $"lag at half the replicated capacity ({HalfCapacityRate:N0} writes/s) p50 / p95 / p99"), Lag(LagAtHalfCapacity));
        Row("lag at idle trickle p50 / p95 / p99", Lag(LagIdle));
        if (SlowLink is { } slow)
        {
            Row("slow links (one-way " + string.Join(", ", slow.OneWayDelayMs.Select(d => string.Create(f, $"{d.Key} {d.Value:0} ms"))) + "): replicated",
                string.Create(f, $"{slow.ReplicatedChangesPerSecond:0} changes/s") + (SlowLinkVsReplicated is { } s ? string.Create(f, $" ({s:0.00} of no delay)") : ""));
            foreach (var (link, figures) in slow.LagByLink)
            {
                var regions = link.Split('→');
                var oneWay = slow.OneWayDelayMs.GetValueOrDefault($"{regions[0]}–{regions[1]}", slow.OneWayDelayMs.GetValueOrDefault($"{regions[1]}–{regions[0]}"));
                Row(string.Create(f, $"slow-link lag {link} at {slow.LagRate:N0} writes/s p50 / p95 / p99 (target p99 ≤ {oneWay + 50:0} ms)"), Lag(figures));
            }
        }

        Row("bytes on the wire per change (Brotli)", $"{WireBytesPerChange:0.0} B (payload before: {PayloadBytesPerChange:0.0} B)");
        Row("catch-up after short cut", Cut(CatchUpShort));
        Row("catch-up after long cut", Cut(CatchUpLong));
        if (OperatorLoad is { } ops)
        {
            Row(string.Create(f, $"{ops.Entities:N0} entities per region: replicated quiet / with operators hammering the sync API"),
                string.Create(f, $"{ops.QuietChangesPerSecond:0} / {ops.HammeredChangesPerSecond:0} changes/s ({HammeredVsQuietThroughput:0.00}); rounds {Rounds(ops.QuietRounds)} / {Rounds(ops.HammeredRounds)}"));
            Row(string.Create(f, $"{ops.Entities:N0} entities per region: lag at {LagRate:N0} writes/s quiet / hammered"),
                $"{Lag(ops.Quiet)} / {Lag(ops.Hammered)}");
            Row(string.Create(f, $"{ops.Entities:N0} entities per region: lag at half the quiet capacity ({ops.HalfRate:N0} writes/s) quiet / hammered"),
                $"{Lag(ops.QuietAtHalf)} / {Lag(ops.HammeredAtHalf)}");
            Row("operator requests answered / refused with 429", string.Create(f, $"{ops.RequestsServed:N0} / {ops.RequestsLimited:N0}"));
            foreach (var cost in ops.IdleCosts)
            {
                Row($"with no writes, operators calling {cost.Call}: requests/s · the process's CPU (quiet) · CPU and allocation per request",
                    string.Create(f, $"{cost.RequestsServed / cost.Seconds:0} · {cost.CpuShare:P0} ({cost.CpuShareQuiet:P0}) of all cores · {cost.CpuMsPerRequest:0.0} ms, {cost.AllocatedKbPerRequest:0} KB"));
            }
        }

        if (LargeEntities is { } large)
        {
            Row(string.Create(f, $"{large.StrategiesPerRegion:N0} strategies per region (~{large.Whole.StateBytesPerChange / 1024:0.0} KB of state per change): wire bytes per change whole / deltas"),
                string.Create(f, $"{large.Whole.WireBytesPerChange:0} / {large.Deltas.WireBytesPerChange:0} B ({large.WireBytesRatio:0.000})"));
            Row("strategies: replicated whole / deltas", string.Create(f, $"{large.Whole.ChangesPerSecond:0} / {large.Deltas.ChangesPerSecond:0} changes/s ({large.ThroughputRatio:0.00})"));
            Row(string.Create(f, $"strategies: lag at {large.LagRate:N0} writes/s whole / deltas"), $"{Lag(large.Whole.Lag)} / {Lag(large.Deltas.Lag)}");
            Row("strategies: deltas sent / refused / resent whole", string.Create(f, $"{large.Deltas.DeltasSent:N0} / {large.Deltas.DeltasRefused:N0} / {large.Deltas.DeltaFallbacks:N0}"));
        }

        if (Feed is { } feed)
        {
            foreach (var run in feed.Runs)
            {
                Row(string.Create(f, $"replicated with {run.Consumers} feed consumer(s) (server-sent events, first region)"),
                    string.Create(f, $"{run.ChangesPerSecond:0} changes/s") + (run.Consumers == 0 ? "" : string.Create(f, $"; each consumer delivered {run.DeliveredPerSecondPerConsumer:0} changes/s of {run.CommittedInFirstRegion:N0} committed")));
            }

            Row("replicated with 1 / 10 consumers over none", string.Create(f, $"{feed.OneVsNone:0.00} / {feed.TenVsNone:0.00}"));
        }

        if (Join is { } join)
        {
            Row(string.Create(f, $"region added to {join.Entities:N0} entities: agreed / serving / digest equal"),
                string.Create(f, $"{join.AgreedSeconds:0.0} / {join.ServingSeconds:0.0} / {join.ConvergedSeconds:0.0} s ({join.StatesReceived:N0} states by repair, {join.StatesPerSecond:0}/s)"));
        }

        if (Leave is { } leave)
        {
            Row(string.Create(f, $"region removed from {leave.Entities:N0} entities, {leave.HandedOver:N0} portfolios homed there: agreed / removed"),
                string.Create(f, $"{leave.AgreedSeconds:0.0} / {leave.RemovedSeconds:0.0} s ({leave.HandedPerSecond:0} handed over/s, {leave.LeftHomedThere} left homed there)"));
        }

        Row("peak working set", $"{PeakWorkingSetMb:0} MB");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        }

        void Row(string name, string value) => Console.WriteLine($"| {name} | {value} |");
        string Lag(LagFigures? l) => l is null ? "-" : string.Create(f, $"{l.P50Ms:0.0} / {l.P95Ms:0.0} / {l.P99Ms:0.0} ms ({l.Samples} samples)");
        string Rounds(IEnumerable<double> rounds) => string.Join(" · ", rounds.Select(r => r.ToString("0", f)));
        string Cut(CatchUp? c) => c is null ? "-" : string.Create(f,
            $"{c.CutSeconds:0} s cut, {c.WritesDuringCut} writes, {c.BacklogRowsAtHeal} queued → converged in {c.SecondsToConverge:0.0} s; working set {c.WorkingSetMbAtHeal:0} MB, heap {c.ManagedHeapMbAtHeal:0} MB");
    }

    private static double? Ratio(double a, double b) => a > 0 && b > 0 ? a / b : null;
}
