using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteReplicationTests(SqliteCluster cluster) : ReplicationTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresReplicationTests(PostgresCluster cluster) : ReplicationTests(cluster);

public abstract class ReplicationTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    [SkippableFact]
    public async Task Order_placed_in_osaka_appears_in_seoul_and_nyc_with_same_content_and_vector()
    {
        var portfolioId = NewId();
        var portfolio = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, portfolioId);
        await portfolio.CreateAsync("alice", 100_000m);

        var order = await portfolio.PlaceOrderAsync(new PlaceOrder("ETH", OrderSide.Buy, OrderKind.Market, 2));

        Assert.Equal(OrderStatus.Filled, order.Status);
        var origin = await fixture.ReplicatedAsync(EntityType.Order, order.Id);
        foreach (var region in KnownRegions.All)
        {
            var copy = await fixture.Store(region).ReadAsync(EntityType.Order, order.Id);
            Assert.Equal(origin, copy);
            Assert.Equal(order, await fixture.Grain<IOrderGrain>(region, order.Id).GetAsync());
        }

        Assert.Equal(1, origin.Vector.Get(KnownRegions.Osaka));
        Assert.Equal(0, origin.Vector.Get(KnownRegions.Seoul) + origin.Vector.Get(KnownRegions.Nyc));
        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId);
        await fixture.ReplicatedAsync(EntityType.Position, Position.IdFor(portfolioId, "ETH"));
    }

    public static TheoryData<string, EntityType> EveryEntityType()
    {
        var data = new TheoryData<string, EntityType>();
        var regions = KnownRegions.All;
        var i = 0;
        foreach (var info in EntityTypes.All)
        {
            data.Add(regions[i++ % 3], info.Type);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(EveryEntityType))]
    public async Task Each_entity_type_written_in_one_region_is_equal_in_all_three(string region, EntityType type)
    {
        var id = NewId();
        var state = await SampleEntities.PutAsync(fixture, type, region, id);

        var origin = await fixture.ReplicatedAsync(type, id, region);

        Assert.Equal(state, origin);
        foreach (var other in KnownRegions.All)
        {
            Assert.Equal(origin, await fixture.Store(other).ReadAsync(type, id));
            var replica = fixture.GrainsOf(other).GetGrain(Haunt.Grains.Replication.EntityGrainTypes.InterfaceOf(type), EntityKey.Of(other, id));
            Assert.Equal(origin, await ((IReplicaGrain)replica).GetStateAsync());
        }
    }

    [SkippableFact]
    public async Task Writes_made_in_each_region_reach_the_other_two()
    {
        var ids = KnownRegions.All.ToDictionary(r => r, _ => NewId());
        await Task.WhenAll(ids.Select(p =>
            fixture.Grain<IProfileGrain>(p.Key, p.Value).PutAsync(new Profile(p.Value, $"made in {p.Key}", null, 3))));

        foreach (var (origin, id) in ids)
        {
            var state = await fixture.ReplicatedAsync(EntityType.Profile, id, origin);
            Assert.Equal(origin, state.ModifiedBy);
            Assert.Equal(1, state.Vector.Get(origin));
            foreach (var region in KnownRegions.All)
            {
                Assert.Equal($"made in {origin}", (await fixture.Grain<IProfileGrain>(region, id).GetAsync())!.DisplayName);
            }
        }
    }

    [SkippableFact]
    public async Task Duplicated_batch_is_applied_once()
    {
        var id = NewId();
        // Nothing of an earlier test still on its way: what seoul applies from osaka from here on is this test's.
        await fixture.ConvergedAsync();
        var seoulStore = fixture.Store(KnownRegions.Seoul);
        var appliedFromOsakaBefore = (await seoulStore.PeerStateAsync(KnownRegions.Osaka)).ChangesApplied;
        var ignoredBefore = fixture.Metrics(KnownRegions.Seoul).ChangesIgnored;
        using var seoul = fixture.RecordApplies(KnownRegions.Seoul);
        fixture.Fault(KnownRegions.Osaka, KnownRegions.Seoul, new LinkFault { DuplicateRate = 1.0 });
        EntityState origin;
        try
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "v1", null, 1));
            await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "v2", null, 2));
            origin = await fixture.ReplicatedAsync(EntityType.Profile, id);

            // Every batch reaches seoul twice: wait for the second copy of each change too.
            await Eventually.WaitUntilAsync(() => Task.FromResult(seoul.ReceivedOf(id) is var received
                && received.Any(s => s.Vector == origin.Vector) && received.GroupBy(s => s.Vector).All(g => g.Count() >= 2)),
                "seoul received each of osaka's changes twice");
        }
        finally
        {
            fixture.HealAll();
        }

        // A state stored twice leaves the same row as one stored once: count what seoul stored, change by change.
        var receivedVectors = seoul.ReceivedOf(id).Select(s => s.Vector).ToList();
        var stored = seoul.StoredOf(id);
        Assert.Equal(receivedVectors.Distinct(), stored.Select(s => s.Vector));
        Assert.Equal(V(2, 0, 0), stored[^1].Vector);
        var skipped = receivedVectors.Count - stored.Count;
        Assert.True(skipped >= stored.Count, $"seoul received {receivedVectors.Count} copies of {stored.Count} changes");
        Assert.True(fixture.Metrics(KnownRegions.Seoul).ChangesIgnored - ignoredBefore >= skipped, $"seoul counted the {skipped} copies it skipped as ignored");
        Assert.Equal(stored.Count, (await seoulStore.PeerStateAsync(KnownRegions.Osaka)).ChangesApplied - appliedFromOsakaBefore);

        var copy = await seoulStore.ReadAsync(EntityType.Profile, id);
        Assert.Equal(origin, copy);
        Assert.Equal(V(2, 0, 0), copy!.Vector);
        Assert.Equal("v2", StateJson.Deserialize<Profile>(copy.Payload).DisplayName);
        Assert.DoesNotContain(await seoulStore.ConflictsAsync(0, 10_000), c => c.EntityId == id);
    }

    [SkippableFact]
    public async Task Region_stopped_and_restarted_loses_nothing()
    {
        await fixture.StopAsync(KnownRegions.Seoul);
        var ids = new List<string>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var id = NewId();
                await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, $"while seoul was down {i}", null, i));
                ids.Add(id);
            }

            Assert.True((await fixture.Store(KnownRegions.Osaka).BacklogAsync(KnownRegions.Seoul)).Rows >= 20);
        }
        finally
        {
            await fixture.RestartAsync(KnownRegions.Seoul);
        }

        foreach (var id in ids)
        {
            await fixture.ReplicatedAsync(EntityType.Profile, id);
        }

        await Eventually.WaitUntilAsync(async () => (await fixture.Store(KnownRegions.Osaka).BacklogAsync(KnownRegions.Seoul)).Rows == 0,
            "osaka's outbox for seoul drained");
    }
}
