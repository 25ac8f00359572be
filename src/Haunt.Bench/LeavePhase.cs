using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>
/// A region removed from a running deployment: the time from the operator's request until every region agreed it
/// leaves, and until every region removed it (its <see cref="HandedOver"/> strong entities written again with the
/// primary as home and its outbox drained first), with <see cref="Entities"/> in the store.
/// </summary>
public sealed record LeaveFigures(long Entities, long HandedOver, double AgreedSeconds, double RemovedSeconds, double HandedPerSecond, long LeftHomedThere);

/// <summary>Issue 21, item 6: fill the regions, open portfolios in the last one, remove it, and time the removal.</summary>
public static class LeavePhase
{
    public static async Task<LeaveFigures> MeasureAsync(BenchCluster cluster, int entities, int portfolios)
    {
        var (primary, leaving) = (cluster.Regions[0], cluster.Regions[^1]);
        await new LoadDriver(cluster, entities / cluster.Regions.Count).SeedAsync(concurrency: 64);
        await Parallel.ForAsync(0, portfolios, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
            await cluster.Grains(leaving).GetGrain<IPortfolioGrain>(EntityKey.Of(leaving, $"bench-leave-{n:D6}")).CreateAsync($"trader{n}", 10_000m));
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(10));
        var held = (await cluster.Store(primary).DigestAsync()).Entities;

        var clock = Stopwatch.StartNew();
        var answer = await cluster.Grains(primary).GetGrain<ISyncQueueGrain>(primary).ProposeRemoveRegionAsync(leaving, null);
        if (answer.Outcome != MembershipOutcome.Proposed)
        {
            throw new InvalidOperationException($"The removal was not proposed: {answer.Problem}");
        }

        var regions = cluster.Regions.Select(r => cluster.Services(r).GetRequiredService<SiloRegion>()).ToList();
        await BenchCluster.WaitAsync(() => Task.FromResult(regions.All(r => r.Membership.Version >= answer.Membership!.Version)), TimeSpan.FromMinutes(1));
        var agreed = clock.Elapsed;
        await BenchCluster.WaitAsync(() => Task.FromResult(regions.All(r => !r.Membership.Includes(leaving))), TimeSpan.FromMinutes(60));
        var removed = clock.Elapsed;
        var left = 0L;
        foreach (var type in EntityTypes.All.Where(t => t.Consistency == Consistency.Strong))
        {
            left += (await cluster.Store(primary).HomedInAsync(type.Type, [leaving], int.MaxValue)).Count;
        }

        return new LeaveFigures(held, portfolios, agreed.TotalSeconds, removed.TotalSeconds, portfolios / Math.Max(0.001, (removed - agreed).TotalSeconds), left);
    }
}
