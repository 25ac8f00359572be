using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteTwoSiloCollection.Name)]
public sealed class SqliteLostRefreshHealingTests(SqliteTwoSiloCluster cluster) : LostRefreshHealingTests(cluster);

[Collection(PostgresTwoSiloCollection.Name)]
public sealed class PostgresLostRefreshHealingTests(PostgresTwoSiloCluster cluster) : LostRefreshHealingTests(cluster);

/// <summary>
/// Issue 19, item 4: a refresh that never reaches the silo where the grain is active must not leave that grain
/// serving the old state; the loss is counted (and logged).
/// </summary>
public abstract class LostRefreshHealingTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Regression_issue_19_a_grain_whose_refresh_was_lost_serves_the_new_state_within_the_cache_age()
    {
        var (id, grain) = await ProfileActiveAwayFromSyncLoopAsync();
        var osakaSilos = fixture.SilosOfRegion(KnownRegions.Osaka);
        var lostBefore = osakaSilos.Sum(s => s.Services.GetRequiredService<SyncMetrics>().RefreshesLost);
        foreach (var (_, services) in osakaSilos)
        {
            services.GetRequiredService<LossyRefreshClient>().Lose(id);
        }

        try
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "second", null, 2));
            await fixture.ReplicatedAsync(EntityType.Profile, id, KnownRegions.Seoul);
            await Eventually.WaitUntilAsync(() => Task.FromResult(osakaSilos.Sum(s => s.Services.GetRequiredService<SyncMetrics>().RefreshesLost) > lostBefore),
                "the lost refresh is counted", TimeSpan.FromSeconds(5));

            await Eventually.WaitUntilAsync(async () => (await grain.GetAsync())?.DisplayName == "second",
                "the grain whose refresh was lost serves seoul's write", TimeSpan.FromSeconds(10));
            Assert.Equal(await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Profile, id), await grain.GetStateAsync());
        }
        finally
        {
            foreach (var (_, services) in osakaSilos)
            {
                services.GetRequiredService<LossyRefreshClient>().Deliver(id);
            }
        }
    }

    /// <summary>A profile written in seoul whose osaka grain is active (and cached) on the silo without the sync loop.</summary>
    private async Task<(string Id, IProfileGrain Grain)> ProfileActiveAwayFromSyncLoopAsync()
    {
        var management = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IManagementGrain>(0);
        var sync = await management.GetActivationAddress(fixture.GrainsOf(KnownRegions.Osaka).GetGrain<ISyncQueueGrain>(KnownRegions.Osaka));
        for (var i = 0; i < 24; i++)
        {
            var id = Guid.CreateVersion7().ToString("N");
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "first", null, 1));
            await fixture.ReplicatedAsync(EntityType.Profile, id, KnownRegions.Seoul);
            var grain = fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id);
            Assert.Equal("first", (await grain.GetAsync())!.DisplayName);
            var silo = await management.GetActivationAddress(grain);
            if (silo is not null && !silo.Equals(sync))
            {
                return (id, grain);
            }
        }

        throw new InvalidOperationException("No profile grain was placed on the silo without the sync loop (1 in 16 million).");
    }
}
