using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteStrongWriteTests(SqliteCluster cluster) : StrongWriteTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStrongWriteTests(PostgresCluster cluster) : StrongWriteTests(cluster);

public abstract class StrongWriteTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    [SkippableFact]
    public async Task Order_placed_in_seoul_for_an_osaka_portfolio_is_forwarded_to_osaka()
    {
        var portfolioId = NewId();
        ActingUser.Set("kenji"); // as the API makes it: a forwarded write names its user, and osaka checks kenji owns the portfolio
        await fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, portfolioId).CreateAsync("kenji", 10_000m);
        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId);
        var orderId = NewId();

        // A limit far below the price rests: one write of the order, nothing else.
        await fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, portfolioId).PlaceOrderAsync(new PlaceOrder("BTC", OrderSide.Buy, OrderKind.Limit, 0.01m, 1m, orderId));

        var state = await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Order, OrderIds.For(portfolioId, orderId));
        Assert.NotNull(state);
        Assert.Equal(KnownRegions.Osaka, state.HomeRegion);
        Assert.Equal(KnownRegions.Osaka, state.ModifiedBy);
        Assert.Equal(V(1, 0, 0), state.Vector);
        Assert.Equal(state, await fixture.ReplicatedAsync(EntityType.Order, state.Id));
    }

    [SkippableFact]
    public async Task Insurance_fund_written_in_nyc_is_forwarded_to_osaka()
    {
        var fundId = NewId();
        ActingUser.Set("risk-desk"); // a forwarded write names its user; the fund belongs to no portfolio, so there is no owner to check

        var state = await fixture.Grain<IInsuranceFundGrain>(KnownRegions.Nyc, fundId).PutAsync(new InsuranceFund(fundId, 5_000m, "USD"));

        Assert.Equal(KnownRegions.Osaka, state.HomeRegion);
        Assert.Equal(V(1, 0, 0), state.Vector);
        Assert.Equal(state, await fixture.ReplicatedAsync(EntityType.InsuranceFund, fundId));
    }

    [SkippableFact]
    public async Task Strong_write_with_home_region_unreachable_fails_naming_it_and_writes_nothing()
    {
        var portfolioId = NewId();
        await fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, portfolioId).CreateAsync("mina", 10_000m);
        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId);
        var orderId = NewId();
        var outboxBefore = (await fixture.Store(KnownRegions.Seoul).QueueAsync(null, 0, 100_000)).Count;

        fixture.Cut(KnownRegions.Seoul, KnownRegions.Osaka);
        try
        {
            var put = await Assert.ThrowsAsync<RegionUnavailableException>(() =>
                fixture.Grain<IInsuranceFundGrain>(KnownRegions.Seoul, orderId).PutAsync(new InsuranceFund(orderId, 1m, "USD")));
            Assert.Equal(KnownRegions.Osaka, put.Region);
            Assert.Contains("osaka", put.Message);

            var place = await Assert.ThrowsAsync<RegionUnavailableException>(() =>
                fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, portfolioId).PlaceOrderAsync(new PlaceOrder("BTC", OrderSide.Buy, OrderKind.Market, 0.01m, OrderId: orderId)));
            Assert.Equal(KnownRegions.Osaka, place.Region);
        }
        finally
        {
            fixture.HealAll();
        }

        foreach (var region in KnownRegions.All)
        {
            Assert.Null(await fixture.Store(region).ReadAsync(EntityType.Order, OrderIds.For(portfolioId, orderId)));
            Assert.Null(await fixture.Store(region).ReadAsync(EntityType.InsuranceFund, orderId));
        }

        var outbox = await fixture.Store(KnownRegions.Seoul).QueueAsync(null, 0, 100_000);
        Assert.Equal(outboxBefore, outbox.Count);
        Assert.DoesNotContain(outbox, r => r.Item.State.Id == orderId || r.Item.State.Id == OrderIds.For(portfolioId, orderId));
    }
}
