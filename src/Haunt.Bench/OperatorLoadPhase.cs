namespace Haunt.Bench;

/// <summary>What replication did with and without operators hammering every region's sync API, on a store of <see cref="Entities"/> per region.</summary>
/// <remarks>
/// Rounds alternate quiet and hammered: throughput is the median of the rounds (the lists keep every one; the same
/// round run twice read up to 1.11 apart), lag the percentiles of all rounds' samples pooled, at the fixed rate asked
/// for and at half the quiet throughput (HalfRate).
/// </remarks>
public sealed record OperatorLoad(long Entities, double QuietChangesPerSecond, double HammeredChangesPerSecond, LagFigures Quiet, LagFigures Hammered,
    long RequestsServed, long RequestsLimited, int HalfRate, LagFigures QuietAtHalf, LagFigures HammeredAtHalf,
    IReadOnlyList<double> QuietRounds, IReadOnlyList<double> HammeredRounds, IReadOnlyList<OperatorCost> IdleCosts);

/// <summary>
/// Issue 20, item 4: fill every region to <c>entitiesPerRegion</c> entities, then measure replicated throughput
/// (closed loop) and lag at a fixed rate and at half capacity, quiet and while <see cref="OperatorHammers"/> call the
/// sync API in every region, in alternating rounds.
/// </summary>
public static class OperatorLoadPhase
{
    /// <summary>Throughput rounds of each side: one closed-loop round read 0.72–1.11 of the next with nothing changed.</summary>
    private const int Rounds = 5;

    /// <summary>Lag rounds of each side, their samples pooled.</summary>
    private const int LagRounds = 3;

    public static async Task<OperatorLoad> MeasureAsync(BenchCluster cluster, LagListener lag, int writers, int lagRate, TimeSpan phase, int entitiesPerRegion,
        int operatorsPerRegion = 4)
    {
        var perRegion = entitiesPerRegion / cluster.Regions.Count;
        await new LoadDriver(cluster, perRegion).SeedAsync(concurrency: 64);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(5));
        var entities = (await cluster.Store(cluster.Regions.First()).DigestAsync()).Entities;
        BenchCommand.Log($"  seeded {entities:N0} entities per region; with no writes, what operators cost making each call, then all in turn");
        var idleCosts = await IdleCostsAsync(cluster, operatorsPerRegion, phase / 2);
        foreach (var cost in idleCosts)
        {
            BenchCommand.Log($"  {cost.Call}: {cost.RequestsServed / cost.Seconds:N0} requests/s answered, the process at {cost.CpuShare:P0} of the CPU " +
                $"(quiet {cost.CpuShareQuiet:P0}), {cost.CpuMsPerRequest:N1} ms of CPU and {cost.AllocatedKbPerRequest:N0} KB allocated per request");
        }

        BenchCommand.Log($"  {Rounds} rounds quiet and hammered, alternating which goes first");
        var (served, limited) = (0L, 0L);
        var (repaired, leftInFlight) = Repairs(cluster);

        // Both sides of a round measured the same way; which goes first alternates, so neither always runs on the warmer cluster.
        async Task<(T Quiet, T Hammered)> RoundAsync<T>(int round, Func<Task<T>> measure)
        {
            async Task<T> HammeredAsync()
            {
                var hammers = OperatorHammers.Start(cluster, operatorsPerRegion);
                try
                {
                    return await measure();
                }
                finally
                {
                    await hammers.DisposeAsync();
                    (served, limited) = (served + hammers.Served, limited + hammers.Limited);
                }
            }

            if (round % 2 == 0)
            {
                var quiet = await measure();
                return (quiet, await HammeredAsync());
            }

            var hammered = await HammeredAsync();
            return (await measure(), hammered);
        }

        var throughput = new List<(double Quiet, double Hammered)>();
        for (var round = 0; round < Rounds; round++)
        {
            throughput.Add(await RoundAsync(round, () => BenchCommand.ReplicatedThroughputAsync(cluster, writers, phase)));
            BenchCommand.Log($"  round {round + 1}: {throughput[^1].Quiet:N0} changes/s quiet, {throughput[^1].Hammered:N0} hammered");
        }

        var (quietRate, hammeredRate) = (Median(throughput.Select(t => t.Quiet)), Median(throughput.Select(t => t.Hammered)));
        var halfRate = (int)(quietRate / 2);
        // Lag pooled over the rounds: one window's p99 is its worst 1 %, a single pause (GC, checkpoint) moved it 2×.
        var (lags, halves) = (new List<(double[] Quiet, double[] Hammered)>(), new List<(double[] Quiet, double[] Hammered)>());
        for (var round = 0; round < LagRounds; round++)
        {
            lags.Add(await RoundAsync(round, () => BenchCommand.LagSamplesAtAsync(cluster, lag, lagRate, phase)));
            // Half capacity in the other order than the fixed rate of the same round: each side opens half the windows.
            halves.Add(await RoundAsync(round + 1, () => BenchCommand.LagSamplesAtAsync(cluster, lag, halfRate, phase)));
            BenchCommand.Log($"  round {round + 1}: lag p99 quiet / hammered {P99(lags[^1].Quiet):N0} / {P99(lags[^1].Hammered):N0} ms at {lagRate:N0}/s, " +
                $"{P99(halves[^1].Quiet):N0} / {P99(halves[^1].Hammered):N0} ms at {halfRate:N0}/s");
        }

        var (repairedAfter, leftAfter) = Repairs(cluster);
        BenchCommand.Log($"  medians: {quietRate:N0} / {hammeredRate:N0} changes/s; the operators' rounds repaired {repairedAfter - repaired:N0} states and left {leftAfter - leftInFlight:N0} in flight");
        return new OperatorLoad(entities, quietRate, hammeredRate, Pooled(lags.Select(l => l.Quiet)), Pooled(lags.Select(l => l.Hammered)), served, limited,
            halfRate, Pooled(halves.Select(h => h.Quiet)), Pooled(halves.Select(h => h.Hammered)),
            throughput.Select(t => t.Quiet).ToList(), throughput.Select(t => t.Hammered).ToList(), idleCosts);
    }

    /// <summary>Each call alone, then the mix, each window after a quiet one and a second of warm-up (connections, sign-in).</summary>
    private static async Task<List<OperatorCost>> IdleCostsAsync(BenchCluster cluster, int operatorsPerRegion, TimeSpan window)
    {
        // The API's first calls build its routes and request delegates and JIT them: paid once, by whichever call goes first.
        await using (OperatorHammers.Start(cluster, operatorsPerRegion))
        {
            await Task.Delay(window);
        }

        var costs = new List<OperatorCost>();
        foreach (var calls in OperatorHammers.Calls.Select(c => (Name: c, Calls: (IReadOnlyList<string>)[c])).Append((Name: "all", Calls: OperatorHammers.Calls)))
        {
            var (quiet, _) = await UsageAsync(window);
            var hammers = OperatorHammers.Start(cluster, operatorsPerRegion, calls.Calls);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var served = hammers.Served;
            var (hammered, allocated) = await UsageAsync(window);
            costs.Add(new OperatorCost(calls.Name, hammered, quiet, allocated, hammers.Served - served, window.TotalSeconds));
            await hammers.DisposeAsync();
        }

        return costs;
    }

    /// <summary>The share of all cores this process used over <paramref name="window"/>, and the MB it allocated per second.</summary>
    private static async Task<(double CpuShare, double AllocatedMbPerSecond)> UsageAsync(TimeSpan window)
    {
        var (cpu, allocated, clock) = (Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(), System.Diagnostics.Stopwatch.StartNew());
        await Task.Delay(window);
        var seconds = clock.Elapsed.TotalSeconds;
        return ((Environment.CpuUsage.TotalTime - cpu).TotalSeconds / (seconds * Environment.ProcessorCount), (GC.GetTotalAllocatedBytes() - allocated) / 1048576.0 / seconds);
    }

    private static double Median(IEnumerable<double> rounds) => rounds.Order().ElementAt(Rounds / 2);

    private static LagFigures Pooled(IEnumerable<double[]> rounds) => LagListener.Percentiles(rounds.SelectMany(r => r));

    private static double P99(double[] samples) => LagListener.Percentiles(samples).P99Ms;

    /// <summary>States repaired and states left to the live path by reconciliation rounds so far, over every region.</summary>
    private static (long Repaired, long LeftInFlight) Repairs(BenchCluster cluster) =>
        (cluster.Regions.Sum(r => Interlocked.Read(ref cluster.Metrics(r).ChangesRepaired)),
         cluster.Regions.Sum(r => Interlocked.Read(ref cluster.Metrics(r).RepairsLeftInFlight)));
}
