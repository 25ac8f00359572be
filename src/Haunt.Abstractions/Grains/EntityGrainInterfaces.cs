using Haunt.Entities;

namespace Haunt.Grains;

// One grain interface per replicated entity type; Portfolio adds trading (IPortfolioGrain.cs).

[Alias("haunt.IOrderGrain")] public interface IOrderGrain : IEntityGrain<Order>;
[Alias("haunt.IPositionGrain")] public interface IPositionGrain : IEntityGrain<Position>;
[Alias("haunt.ITradeGrain")] public interface ITradeGrain : IEntityGrain<Trade>;
[Alias("haunt.IOptionsPositionGrain")] public interface IOptionsPositionGrain : IEntityGrain<OptionsPosition>;
[Alias("haunt.IStrategyGrain")] public interface IStrategyGrain : IEntityGrain<Strategy>;
[Alias("haunt.IFundingPaymentGrain")] public interface IFundingPaymentGrain : IEntityGrain<FundingPayment>;
[Alias("haunt.ILiquidationGrain")] public interface ILiquidationGrain : IEntityGrain<Liquidation>;
[Alias("haunt.IMarginHistoryGrain")] public interface IMarginHistoryGrain : IEntityGrain<MarginHistory>;
[Alias("haunt.IPortfolioSnapshotGrain")] public interface IPortfolioSnapshotGrain : IEntityGrain<PortfolioSnapshot>;
[Alias("haunt.IProfileGrain")] public interface IProfileGrain : IEntityGrain<Profile>;
[Alias("haunt.IInsuranceFundGrain")] public interface IInsuranceFundGrain : IEntityGrain<InsuranceFund>;
[Alias("haunt.IPredictionHistoryGrain")] public interface IPredictionHistoryGrain : IEntityGrain<PredictionHistory>;
