using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>One way of replicating large entities (whole states, or deltas where they pay), measured on a cluster of its own.</summary>
public sealed record LargeEntityFigures(double ChangesPerSecond, double WireBytesPerChange, double StateBytesPerChange, LagFigures Lag,
    long DeltasSent, long DeltasRefused, long DeltaFallbacks);

/// <summary>Issue 22: strategies of some 8 KB changed a little per write, replicated whole and with deltas, in one run.</summary>
public sealed record LargeEntities(int StrategiesPerRegion, int LagRate, LargeEntityFigures Whole, LargeEntityFigures Deltas)
{
    /// <summary>Wire bytes per change with deltas over the same without (target ≤ 0.05).</summary>
    public double WireBytesRatio => Deltas.WireBytesPerChange / Math.Max(1, Whole.WireBytesPerChange);

    public double ThroughputRatio => Deltas.ChangesPerSecond / Math.Max(1, Whole.ChangesPerSecond);

    public double LagP99Ratio => Deltas.Lag.P99Ms / Math.Max(1, Whole.Lag.P99Ms);
}

/// <summary>
/// Seeds <c>strategiesPerRegion</c> strategies in every region, then measures replicated throughput (closed loop,
/// counted until every region applied everything), the wire bytes per change in it, and lag at a fixed rate: first on
/// a cluster whose silos send every change whole (Haunt:Sync:DeltaMinBytes 0), then on one with the product's deltas.
/// </summary>
public static class LargeEntityPhase
{
    public static async Task<LargeEntities> MeasureAsync(string folder, IReadOnlyList<string> regions, LagListener lag, int writers, int lagRate,
        TimeSpan phase, string? postgres, int? window, int strategiesPerRegion = 1024)
    {
        var whole = await MeasureOneAsync(Path.Combine(folder, "large-whole"), regions, lag, writers, lagRate, phase, postgres, window, strategiesPerRegion, deltas: false);
        BenchCommand.Log($"  whole: {whole.ChangesPerSecond:N0} changes/s, {whole.WireBytesPerChange:N0} wire bytes per change of {whole.StateBytesPerChange:N0} state bytes, lag p99 {whole.Lag.P99Ms:N0} ms at {lagRate:N0}/s");
        var deltas = await MeasureOneAsync(Path.Combine(folder, "large-deltas"), regions, lag, writers, lagRate, phase, postgres, window, strategiesPerRegion, deltas: true);
        BenchCommand.Log($"  deltas: {deltas.ChangesPerSecond:N0} changes/s, {deltas.WireBytesPerChange:N0} wire bytes per change, lag p99 {deltas.Lag.P99Ms:N0} ms; " +
            $"{deltas.DeltasSent:N0} deltas sent, {deltas.DeltasRefused:N0} refused, {deltas.DeltaFallbacks:N0} resent whole");
        return new LargeEntities(strategiesPerRegion, lagRate, whole, deltas);
    }

    private static async Task<LargeEntityFigures> MeasureOneAsync(string folder, IReadOnlyList<string> regions, LagListener lag, int writers, int lagRate,
        TimeSpan phase, string? postgres, int? window, int strategiesPerRegion, bool deltas)
    {
        var settings = new Dictionary<string, string?> { ["Haunt:Sync:DeltaMinBytes"] = deltas ? null : "0" };
        await using var cluster = await BenchCluster.StartAsync(folder, regions, replicate: true, portOffset: deltas ? 110 : 100, postgres, window, settings: settings);
        var writes = new StrategyWrites(cluster);
        var load = new LoadDriver(cluster, strategiesPerRegion, writes);
        await load.SeedAsync(concurrency: 32);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(3));

        var before = Totals(cluster);
        var measured = new LoadDriver(cluster, strategiesPerRegion, writes);
        var clock = Stopwatch.StartNew();
        await measured.ClosedLoopAsync(Math.Min(writers, strategiesPerRegion), phase);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(3));
        var rate = measured.Written / clock.Elapsed.TotalSeconds;
        var after = Totals(cluster);

        lag.Start();
        await new LoadDriver(cluster, strategiesPerRegion, writes).OpenLoopAsync(lagRate, phase);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(2));
        var lagFigures = lag.Stop();
        var changes = Math.Max(1, after.Changes - before.Changes);
        var end = Totals(cluster);
        return new LargeEntityFigures(rate, (after.Bytes - before.Bytes) / (double)changes, (after.StateBytes - before.StateBytes) / (double)changes, lagFigures,
            end.DeltasSent, end.DeltasRefused, end.Fallbacks);
    }

    private static (long Changes, long Bytes, long StateBytes, long DeltasSent, long DeltasRefused, long Fallbacks) Totals(BenchCluster cluster)
    {
        var metrics = cluster.Regions.Select(cluster.Metrics).ToList();
        return (metrics.Sum(m => Interlocked.Read(ref m.ChangesSent)), metrics.Sum(m => Interlocked.Read(ref m.BytesSent)),
            metrics.Sum(m => Interlocked.Read(ref m.PayloadBytesSent)), metrics.Sum(m => Interlocked.Read(ref m.DeltasSent)),
            metrics.Sum(m => Interlocked.Read(ref m.DeltasRefused)), metrics.Sum(m => Interlocked.Read(ref m.DeltaFallbacks)));
    }
}
