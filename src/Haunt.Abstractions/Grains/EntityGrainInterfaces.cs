using Haunt.Abstractions.Entities;

namespace Haunt.Abstractions.Grains;

// One grain interface per replicated entity type; Portfolio adds trading (IPortfolioGrain.cs).
// Orders, positions and trades are read-only to callers: their portfolio is their single writer, so no
// caller can write them around its cash rules.

[Alias("haunt.IOrderGrain")] public interface IOrderGrain : IEntityGrain<Order>;
[Alias("haunt.IPositionGrain")] public interface IPositionGrain : IEntityGrain<Position>;
[Alias("haunt.ITradeGrain")] public interface ITradeGrain : IEntityGrain<Trade>;
[Alias("haunt.IOptionsPositionGrain")] public interface IOptionsPositionGrain : IWritableEntityGrain<OptionsPosition>;
[Alias("haunt.IStrategyGrain")] public interface IStrategyGrain : IWritableEntityGrain<Strategy>;
[Alias("haunt.IFundingPaymentGrain")] public interface IFundingPaymentGrain : IWritableEntityGrain<FundingPayment>;
[Alias("haunt.ILiquidationGrain")] public interface ILiquidationGrain : IWritableEntityGrain<Liquidation>;
[Alias("haunt.IMarginHistoryGrain")] public interface IMarginHistoryGrain : IWritableEntityGrain<MarginHistory>;
[Alias("haunt.IPortfolioSnapshotGrain")] public interface IPortfolioSnapshotGrain : IWritableEntityGrain<PortfolioSnapshot>;
[Alias("haunt.IProfileGrain")] public interface IProfileGrain : IWritableEntityGrain<Profile>;
[Alias("haunt.IInsuranceFundGrain")] public interface IInsuranceFundGrain : IWritableEntityGrain<InsuranceFund>;
[Alias("haunt.IPredictionHistoryGrain")] public interface IPredictionHistoryGrain : IWritableEntityGrain<PredictionHistory>;
