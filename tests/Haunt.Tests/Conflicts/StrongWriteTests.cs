using Haunt.Tests.Cluster;
using Haunt.Trading;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteStrongWriteTests(SqliteCluster cluster) : StrongWriteTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStrongWriteTests(PostgresCluster cluster) : StrongWriteTests(cluster);

public abstract class StrongWriteTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    [SkippableFact]
    public async Task Order_written_in_seoul_for_an_osaka_portfolio_is_forwarded_to_osaka()
    {
        var portfolioId = NewId();
        await fixture.Grain<IPortfolioGrain>(Region.Osaka, portfolioId).CreateAsync("kenji", 10_000m);
        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId);
        var orderId = NewId();
        var order = (Order)SampleEntities.Create(EntityType.Order, orderId, portfolioId);

        var state = await fixture.Grain<IOrderGrain>(Region.Seoul, orderId).PutAsync(order);

        Assert.Equal(Region.Osaka, state.HomeRegion);
        Assert.Equal(Region.Osaka, state.ModifiedBy);
        Assert.Equal(new VersionVector(1, 0, 0), state.Vector);
        Assert.Equal(state, await fixture.ReplicatedAsync(EntityType.Order, orderId));
    }

    [SkippableFact]
    public async Task Strong_write_with_home_region_unreachable_fails_naming_it_and_writes_nothing()
    {
        var portfolioId = NewId();
        await fixture.Grain<IPortfolioGrain>(Region.Osaka, portfolioId).CreateAsync("mina", 10_000m);
        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId);
        var orderId = NewId();
        var order = (Order)SampleEntities.Create(EntityType.Order, orderId, portfolioId);
        var outboxBefore = (await fixture.Store(Region.Seoul).QueueAsync(null, 0, 100_000)).Count;

        fixture.Cut(Region.Seoul, Region.Osaka);
        try
        {
            var put = await Assert.ThrowsAsync<RegionUnavailableException>(() => fixture.Grain<IOrderGrain>(Region.Seoul, orderId).PutAsync(order));
            Assert.Equal(Region.Osaka, put.Region);
            Assert.Contains("osaka", put.Message);

            var place = await Assert.ThrowsAsync<RegionUnavailableException>(() =>
                fixture.Grain<IPortfolioGrain>(Region.Seoul, portfolioId).PlaceOrderAsync(new PlaceOrder("BTC", OrderSide.Buy, OrderKind.Market, 0.01m, OrderId: orderId)));
            Assert.Equal(Region.Osaka, place.Region);
        }
        finally
        {
            fixture.HealAll();
        }

        foreach (var region in Region.All)
        {
            Assert.Null(await fixture.Store(region).ReadAsync(EntityType.Order, orderId));
        }

        Assert.Equal(outboxBefore, (await fixture.Store(Region.Seoul).QueueAsync(null, 0, 100_000)).Count(r => r.Item.State.Id != orderId));
        Assert.DoesNotContain(await fixture.Store(Region.Seoul).QueueAsync(null, 0, 100_000), r => r.Item.State.Id == orderId);
    }
}
