using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Replication;

[CollectionDefinition(Name)]
public sealed class SqliteTwoSiloCollection : ICollectionFixture<SqliteTwoSiloCluster>
{
    public const string Name = "osaka of two silos on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresTwoSiloCollection : ICollectionFixture<PostgresTwoSiloCluster>
{
    public const string Name = "osaka of two silos on PostgreSQL";
}

[Collection(SqliteTwoSiloCollection.Name)]
public sealed class SqliteTwoSiloRegionTests(SqliteTwoSiloCluster cluster) : TwoSiloRegionTests(cluster);

[Collection(PostgresTwoSiloCollection.Name)]
public sealed class PostgresTwoSiloRegionTests(PostgresTwoSiloCluster cluster) : TwoSiloRegionTests(cluster);

/// <summary>osaka as a cluster of two silos sharing one store; the sync loop runs on one of them.</summary>
public abstract class TwoSiloRegionTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const int Entities = 24;

    [SkippableFact]
    public async Task A_replicated_change_reaches_grains_active_on_the_silo_without_the_sync_loop()
    {
        var ids = Enumerable.Range(0, Entities).Select(i => $"{Guid.NewGuid():N}-{i}").ToList();
        foreach (var id in ids)
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "first", null, 1));
        }

        foreach (var id in ids)
        {
            await fixture.ReplicatedAsync(EntityType.Profile, id, KnownRegions.Seoul);
            Assert.Equal("first", (await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).GetAsync())!.DisplayName); // active, cached
        }

        var elsewhere = await OnOtherSiloThanSyncLoopAsync(ids);
        Assert.NotEmpty(elsewhere); // placement spreads them: all 24 on one silo would be 1 in 8 million

        foreach (var id in ids)
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "second", null, 2));
        }

        await Eventually.WaitUntilAsync(async () =>
        {
            foreach (var id in elsewhere)
            {
                if ((await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).GetAsync())?.DisplayName != "second")
                {
                    return false;
                }
            }

            return true;
        }, $"the {elsewhere.Count} grains on the other silo serve seoul's second write", TimeSpan.FromSeconds(10));
        Assert.Equal(elsewhere, await OnOtherSiloThanSyncLoopAsync(elsewhere)); // refreshed, not re-activated
    }

    [SkippableFact]
    public async Task Orders_placed_through_both_silos_replicate_and_the_regions_converge()
    {
        var portfolios = Enumerable.Range(0, 16).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var id in portfolios)
        {
            var portfolio = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id);
            await portfolio.CreateAsync("alice", 100_000m);
            await portfolio.PlaceOrderAsync(new PlaceOrder("ETH", OrderSide.Buy, OrderKind.Market, 1));
        }

        var management = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IManagementGrain>(0);
        var silos = new HashSet<SiloAddress>();
        foreach (var id in portfolios)
        {
            silos.Add((await management.GetActivationAddress(fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id)))!);
        }

        Assert.Equal(2, silos.Count);
        await fixture.ConvergedAsync();
        foreach (var id in portfolios)
        {
            var positions = await fixture.Store(KnownRegions.Nyc).ListByPortfolioAsync(EntityType.Position, id);
            Assert.Single(positions);
        }
    }

    /// <summary>Those of osaka's profile grains that are active on the silo the sync grain is not on.</summary>
    private async Task<List<string>> OnOtherSiloThanSyncLoopAsync(IReadOnlyList<string> ids)
    {
        var management = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IManagementGrain>(0);
        var sync = await management.GetActivationAddress(fixture.GrainsOf(KnownRegions.Osaka).GetGrain<ISyncQueueGrain>(KnownRegions.Osaka));
        Assert.NotNull(sync);
        var other = new List<string>();
        foreach (var id in ids)
        {
            var silo = await management.GetActivationAddress(fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id));
            if (silo is not null && !silo.Equals(sync))
            {
                other.Add(id);
            }
        }

        return other;
    }
}
