using Haunt.Grains;

namespace Haunt.Grains.Replication;

/// <summary>Which grain interface serves each entity type.</summary>
public static class EntityGrainTypes
{
    private static readonly Dictionary<EntityType, Type> s_interfaces = new()
    {
        [EntityType.Portfolio] = typeof(IPortfolioGrain),
        [EntityType.Order] = typeof(IOrderGrain),
        [EntityType.Position] = typeof(IPositionGrain),
        [EntityType.Trade] = typeof(ITradeGrain),
        [EntityType.OptionsPosition] = typeof(IOptionsPositionGrain),
        [EntityType.Strategy] = typeof(IStrategyGrain),
        [EntityType.FundingPayment] = typeof(IFundingPaymentGrain),
        [EntityType.Liquidation] = typeof(ILiquidationGrain),
        [EntityType.MarginHistory] = typeof(IMarginHistoryGrain),
        [EntityType.PortfolioSnapshot] = typeof(IPortfolioSnapshotGrain),
        [EntityType.Profile] = typeof(IProfileGrain),
        [EntityType.InsuranceFund] = typeof(IInsuranceFundGrain),
        [EntityType.PredictionHistory] = typeof(IPredictionHistoryGrain),
    };

    public static Type InterfaceOf(EntityType type) => s_interfaces[type];

    public static IReplicaGrain Replica(this IGrainFactory factory, EntityType type, string region, string id) =>
        (IReplicaGrain)factory.GetGrain(InterfaceOf(type), EntityKey.Of(region, id));
}
