using System.Net;

namespace Haunt.Bench;

/// <summary>What replication did with and without operators hammering every region's sync API, on a store of <see cref="Entities"/> per region.</summary>
/// <remarks>Lag is measured at the fixed rate asked for and at half the quiet throughput (HalfRate), both quiet and hammered.</remarks>
public sealed record OperatorLoad(long Entities, double QuietChangesPerSecond, double HammeredChangesPerSecond, LagFigures Quiet, LagFigures Hammered,
    long RequestsServed, long RequestsLimited, int HalfRate, LagFigures QuietAtHalf, LagFigures HammeredAtHalf);

/// <summary>
/// Issue 20, item 4: fill every region to <c>entitiesPerRegion</c> entities, then measure replicated throughput
/// (closed loop) and lag at a fixed rate twice — quiet, and while operators in every region call health,
/// convergence, overview and reconcile as fast as the rate limits let them (a 429 waits its Retry-After).
/// </summary>
public static class OperatorLoadPhase
{
    private static readonly string[] s_reads = ["/api/sync/health", "/api/sync/convergence", "/api/sync/overview"];

    public static async Task<OperatorLoad> MeasureAsync(BenchCluster cluster, LagListener lag, int writers, int lagRate, TimeSpan phase, int entitiesPerRegion,
        int operatorsPerRegion = 4)
    {
        var perRegion = entitiesPerRegion / cluster.Regions.Count;
        await new LoadDriver(cluster, perRegion).SeedAsync(concurrency: 64);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(5));
        var entities = (await cluster.Store(cluster.Regions.First()).DigestAsync()).Entities;
        BenchCommand.Log($"  seeded {entities:N0} entities per region; quiet round");

        var quietRate = await BenchCommand.ReplicatedThroughputAsync(cluster, writers, phase);
        var halfRate = (int)(quietRate / 2);
        var (quietLag, quietAtHalf) = (await BenchCommand.LagAtAsync(cluster, lag, lagRate, phase), await BenchCommand.LagAtAsync(cluster, lag, halfRate, phase));
        BenchCommand.Log($"  quiet: {quietRate:N0} changes/s, lag p99 {quietLag.P99Ms:N0} ms at {lagRate:N0}/s, {quietAtHalf.P99Ms:N0} ms at {halfRate:N0}/s; hammered round");
        using var stop = new CancellationTokenSource();
        long served = 0, limited = 0;
        var hammers = cluster.Regions.SelectMany(region => Enumerable.Range(0, operatorsPerRegion).Select(i => Task.Run(async () =>
        {
            using var api = cluster.OperatorApi(region, $"hammer-{region}-{i}");
            for (var n = i; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var answer = n % 4 == 3
                        ? await api.PostAsync("/api/sync/reconcile", null, stop.Token)
                        : await api.GetAsync(s_reads[n % 4], stop.Token);
                    if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref limited);
                        await Task.Delay(answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100), stop.Token);
                    }
                    else
                    {
                        Interlocked.Increment(ref served);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }))).ToList();
        var (repaired, leftInFlight) = Repairs(cluster);
        var hammeredRate = await BenchCommand.ReplicatedThroughputAsync(cluster, writers, phase);
        var (hammeredLag, hammeredAtHalf) = (await BenchCommand.LagAtAsync(cluster, lag, lagRate, phase), await BenchCommand.LagAtAsync(cluster, lag, halfRate, phase));
        await stop.CancelAsync();
        await Task.WhenAll(hammers);
        var (repairedAfter, leftAfter) = Repairs(cluster);
        BenchCommand.Log($"  hammered: {hammeredRate:N0} changes/s; the operators' rounds repaired {repairedAfter - repaired:N0} states and left {leftAfter - leftInFlight:N0} in flight");
        return new OperatorLoad(entities, quietRate, hammeredRate, quietLag, hammeredLag, served, limited, halfRate, quietAtHalf, hammeredAtHalf);
    }

    /// <summary>States repaired and states left to the live path by reconciliation rounds so far, over every region.</summary>
    private static (long Repaired, long LeftInFlight) Repairs(BenchCluster cluster) =>
        (cluster.Regions.Sum(r => Interlocked.Read(ref cluster.Metrics(r).ChangesRepaired)),
         cluster.Regions.Sum(r => Interlocked.Read(ref cluster.Metrics(r).RepairsLeftInFlight)));
}
