using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>
/// A region added to a running deployment: the time from the operator's request to the newcomer serving (agreed, a
/// snapshot from the donor, a repair round with every other region), for a store of <see cref="Entities"/>, and the
/// time until its digest equals the others'.
/// </summary>
public sealed record JoinFigures(long Entities, double AgreedSeconds, double ServingSeconds, double ConvergedSeconds, long StatesReceived, double StatesPerSecond);

/// <summary>Issue 21, item 5: fill the regions to <c>entities</c>, start one more with Haunt:Join, add it, and time its join.</summary>
public static class JoinPhase
{
    public const string Newcomer = "joining";

    public static async Task<JoinFigures> MeasureAsync(BenchCluster cluster, int entities)
    {
        await new LoadDriver(cluster, entities / cluster.Regions.Count).SeedThroughStoresAsync();
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(10));
        var primary = cluster.Regions[0];
        var held = (await cluster.Store(primary).DigestAsync()).Entities;

        var silo = await cluster.StartJoiningAsync(Newcomer);
        var newcomer = silo.Services.GetRequiredService<SiloRegion>();
        var clock = Stopwatch.StartNew();
        var answer = await cluster.Grains(primary).GetGrain<ISyncQueueGrain>(primary).ProposeAddRegionAsync(Newcomer, [cluster.GatewayOfJoining(Newcomer)]);
        if (answer.Outcome != MembershipOutcome.Proposed)
        {
            throw new InvalidOperationException($"The join was not proposed: {answer.Problem}");
        }

        await BenchCluster.WaitAsync(() => Task.FromResult(newcomer.Membership.Version >= answer.Membership!.Version), TimeSpan.FromMinutes(1));
        var agreed = clock.Elapsed;
        var joining = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ISyncQueueGrain>(Newcomer);
        var told = TimeSpan.Zero;
        await BenchCluster.WaitAsync(async () =>
        {
            if (clock.Elapsed - told >= TimeSpan.FromSeconds(10))
            {
                told = clock.Elapsed;
                BenchCommand.Log($"  {clock.Elapsed.TotalSeconds:F0} s: {(await joining.GetMembershipAsync()).Join}");
            }

            return newcomer.Serving;
        }, TimeSpan.FromMinutes(60));
        var serving = clock.Elapsed;
        var store = silo.Services.GetRequiredService<IRegionalStore>();
        await BenchCluster.WaitAsync(async () => (await store.DigestAsync()).Overall == (await cluster.Store(primary).DigestAsync()).Overall, TimeSpan.FromMinutes(10));
        var converged = clock.Elapsed;
        var received = Interlocked.Read(ref silo.Services.GetRequiredService<SyncMetrics>().ChangesRepaired);
        return new JoinFigures(held, agreed.TotalSeconds, serving.TotalSeconds, converged.TotalSeconds, received, received / Math.Max(0.001, serving.TotalSeconds));
    }
}
