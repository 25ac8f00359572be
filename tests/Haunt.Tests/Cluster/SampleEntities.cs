using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Cluster;

/// <summary>A realistic record of each entity type, written through its own grain.</summary>
public static class SampleEntities
{
    public static IEntity Create(EntityType type, string id, string portfolioId = "p-1")
    {
        var at = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        return type switch
        {
            EntityType.Portfolio => new Portfolio(id, "owner", 50_000m, 50_000m, at),
            EntityType.Order => new Order(id, portfolioId, "BTC", OrderSide.Buy, OrderKind.Limit, 0.5m, 60_000m, OrderStatus.Open, null, at),
            EntityType.Position => new Position(id, portfolioId, "BTC", 0.5m, 30_000m, 0),
            EntityType.Trade => new Trade(id, portfolioId, "o-1", "BTC", OrderSide.Buy, 0.5m, 60_000m, at),
            EntityType.OptionsPosition => new OptionsPosition(id, portfolioId, "ETH", OptionKind.Put, 3000m, new DateOnly(2026, 12, 31), 2, 45.5m),
            EntityType.Strategy => new Strategy(id, portfolioId, "mean-reversion", "{\"window\":20}", true),
            EntityType.FundingPayment => new FundingPayment(id, portfolioId, "BTC", -3.21m, 0.0001m, at),
            EntityType.Liquidation => new Liquidation(id, portfolioId, "SOL", 10m, 140m, "margin call", at),
            EntityType.MarginHistory => new MarginHistory(id, portfolioId, 1200m, 48_000m, at),
            EntityType.PortfolioSnapshot => new PortfolioSnapshot(id, portfolioId, 20_000m, 51_000m, at),
            EntityType.Profile => new Profile(id, "Haruki", "h@example.com", 7),
            EntityType.InsuranceFund => new InsuranceFund(id, 1_000_000m, "USD"),
            EntityType.PredictionHistory => new PredictionHistory(id, "ETH", "ewma", 3300m, null, at),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>
    /// Writes a sample through its grain, or for orders, positions and trades through the portfolio's side door.
    /// An options position gets a portfolio of its own in that region first (a strong entity of a portfolio the
    /// region does not hold is refused).
    /// </summary>
    public static async Task<EntityState> PutAsync(ClusterFixture fixture, EntityType type, string region, string id)
    {
        var grains = fixture.GrainsOf(region);
        var portfolioId = "p-1";
        if (type == EntityType.OptionsPosition)
        {
            portfolioId = Guid.CreateVersion7().ToString("N");
            await grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, portfolioId)).CreateAsync("owner", 50_000m);
        }

        var value = Create(type, id, portfolioId);
        var key = EntityKey.Of(region, id);
        return await (value switch
        {
            Portfolio v => grains.GetGrain<IPortfolioGrain>(key).PutAsync(v),
            Order or Position or Trade => fixture.WriteAsync(region, (IPortfolioOwned)value),
            OptionsPosition v => grains.GetGrain<IOptionsPositionGrain>(key).PutAsync(v),
            Strategy v => grains.GetGrain<IStrategyGrain>(key).PutAsync(v),
            FundingPayment v => grains.GetGrain<IFundingPaymentGrain>(key).PutAsync(v),
            Liquidation v => grains.GetGrain<ILiquidationGrain>(key).PutAsync(v),
            MarginHistory v => grains.GetGrain<IMarginHistoryGrain>(key).PutAsync(v),
            PortfolioSnapshot v => grains.GetGrain<IPortfolioSnapshotGrain>(key).PutAsync(v),
            Profile v => grains.GetGrain<IProfileGrain>(key).PutAsync(v),
            InsuranceFund v => grains.GetGrain<IInsuranceFundGrain>(key).PutAsync(v),
            PredictionHistory v => grains.GetGrain<IPredictionHistoryGrain>(key).PutAsync(v),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        });
    }
}
