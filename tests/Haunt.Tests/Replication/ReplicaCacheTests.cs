using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteReplicaCacheTests(SqliteCluster cluster) : ReplicaCacheTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresReplicaCacheTests(PostgresCluster cluster) : ReplicaCacheTests(cluster);

/// <summary>
/// Issue 19 (SingleWriterTests checked method names only): no call lets a caller put a state into a grain's
/// cache. A refresh only makes the grain read its own row from the store again.
/// </summary>
public abstract class ReplicaCacheTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task A_refresh_with_a_forged_version_plants_nothing_and_the_grain_keeps_serving_the_store()
    {
        var id = Guid.CreateVersion7().ToString("N");
        var portfolio = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id);
        await portfolio.CreateAsync("alice", 1_000m);

        await portfolio.RefreshAsync(V(1_000_000, 1_000_000, 1_000_000));

        var stored = await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Portfolio, id);
        Assert.Equal(V(1, 0, 0), stored!.Vector);
        Assert.Equal(stored, await portfolio.GetStateAsync());
        Assert.Equal(1_100m, (await portfolio.DepositAsync(100m)).Cash);
        Assert.Equal(V(2, 0, 0), (await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Portfolio, id))!.Vector);
    }
}
