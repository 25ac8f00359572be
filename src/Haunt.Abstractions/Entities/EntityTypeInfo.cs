namespace Haunt.Abstractions.Entities;

/// <summary>What the sync layer needs to know about an entity type: priority (0 = first), class, table.</summary>
public sealed record EntityTypeInfo(EntityType Type, int Priority, Consistency Consistency, string Table, Type ClrType)
{
    public bool IsAppendOnly => Consistency == Consistency.AppendOnly;
}

/// <summary>The table of docs/architecture.md §4.1, in one place.</summary>
public static class EntityTypes
{
    private static readonly Dictionary<EntityType, EntityTypeInfo> s_byType = new[]
    {
        new EntityTypeInfo(EntityType.Order, 0, Consistency.Strong, "orders", typeof(Order)),
        new EntityTypeInfo(EntityType.Position, 1, Consistency.Strong, "positions", typeof(Position)),
        new EntityTypeInfo(EntityType.Portfolio, 1, Consistency.Strong, "portfolios", typeof(Portfolio)),
        new EntityTypeInfo(EntityType.Trade, 1, Consistency.AppendOnly, "trades", typeof(Trade)),
        new EntityTypeInfo(EntityType.OptionsPosition, 2, Consistency.Strong, "options_positions", typeof(OptionsPosition)),
        new EntityTypeInfo(EntityType.Liquidation, 2, Consistency.AppendOnly, "liquidations", typeof(Liquidation)),
        new EntityTypeInfo(EntityType.InsuranceFund, 3, Consistency.Strong, "insurance_fund", typeof(InsuranceFund)),
        new EntityTypeInfo(EntityType.Strategy, 4, Consistency.Eventual, "strategies", typeof(Strategy)),
        new EntityTypeInfo(EntityType.Profile, 5, Consistency.Eventual, "profiles", typeof(Profile)),
        new EntityTypeInfo(EntityType.FundingPayment, 5, Consistency.AppendOnly, "funding_payments", typeof(FundingPayment)),
        new EntityTypeInfo(EntityType.MarginHistory, 6, Consistency.AppendOnly, "margin_history", typeof(MarginHistory)),
        new EntityTypeInfo(EntityType.PortfolioSnapshot, 8, Consistency.AppendOnly, "portfolio_snapshots", typeof(PortfolioSnapshot)),
        new EntityTypeInfo(EntityType.PredictionHistory, 10, Consistency.AppendOnly, "prediction_history", typeof(PredictionHistory)),
    }.ToDictionary(i => i.Type);

    private static readonly Dictionary<Type, EntityTypeInfo> s_byClr = s_byType.Values.ToDictionary(i => i.ClrType);

    public static IReadOnlyCollection<EntityTypeInfo> All => s_byType.Values;

    public static EntityTypeInfo Info(this EntityType type) =>
        s_byType.TryGetValue(type, out var info) ? info : throw new UnknownEntityTypeException((int)type);

    public static bool IsDefined(EntityType type) => s_byType.ContainsKey(type);

    public static EntityTypeInfo Of<T>() where T : IEntity => s_byClr[typeof(T)];

    public static EntityTypeInfo Of(Type clrType) => s_byClr[clrType];
}

/// <summary>An entity type number that this build does not know (a forged or newer-version batch).</summary>
public sealed class UnknownEntityTypeException(int value) : Exception($"Unknown entity type {value}.")
{
    public int Value { get; } = value;
}
