using Haunt.Abstractions.Trading;

namespace Haunt.Abstractions.Entities;

// The nine entity types outside the order flow. Each is written through its own grain.

[GenerateSerializer, Immutable, Alias("haunt.OptionsPosition")]
public sealed record OptionsPosition(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Underlying,
    [property: Id(3)] OptionKind Kind,
    [property: Id(4)] decimal Strike,
    [property: Id(5)] DateOnly Expiry,
    [property: Id(6)] int Contracts,
    [property: Id(7)] decimal Premium) : IPortfolioOwned;

/// <summary>A strategy of a portfolio: its name, free-form parameters and, for one that runs, its document (<see cref="StrategyDocument"/>).</summary>
[GenerateSerializer, Immutable, Alias("haunt.Strategy")]
public sealed record Strategy(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Parameters,
    [property: Id(4)] bool Enabled,
    [property: Id(5)] StrategyDocument? Document = null) : IPortfolioOwned;

[GenerateSerializer, Immutable, Alias("haunt.FundingPayment")]
public sealed record FundingPayment(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Symbol,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] decimal Rate,
    [property: Id(5)] DateTimeOffset PaidAt) : IPortfolioOwned;

[GenerateSerializer, Immutable, Alias("haunt.Liquidation")]
public sealed record Liquidation(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Symbol,
    [property: Id(3)] decimal Quantity,
    [property: Id(4)] decimal Price,
    [property: Id(5)] string Reason,
    [property: Id(6)] DateTimeOffset At) : IPortfolioOwned;

[GenerateSerializer, Immutable, Alias("haunt.MarginHistory")]
public sealed record MarginHistory(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] decimal MarginUsed,
    [property: Id(3)] decimal Equity,
    [property: Id(4)] DateTimeOffset At) : IPortfolioOwned;

[GenerateSerializer, Immutable, Alias("haunt.PortfolioSnapshot")]
public sealed record PortfolioSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] decimal Cash,
    [property: Id(3)] decimal Equity,
    [property: Id(4)] DateTimeOffset At) : IPortfolioOwned;

[GenerateSerializer, Immutable, Alias("haunt.Profile")]
public sealed record Profile(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? Email,
    [property: Id(3)] int RiskTolerance) : IEntity;

[GenerateSerializer, Immutable, Alias("haunt.InsuranceFund")]
public sealed record InsuranceFund(
    [property: Id(0)] string Id,
    [property: Id(1)] decimal Balance,
    [property: Id(2)] string Currency) : IEntity;

[GenerateSerializer, Immutable, Alias("haunt.PredictionHistory")]
public sealed record PredictionHistory(
    [property: Id(0)] string Id,
    [property: Id(1)] string Symbol,
    [property: Id(2)] string Model,
    [property: Id(3)] decimal Predicted,
    [property: Id(4)] decimal? Actual,
    [property: Id(5)] DateTimeOffset At) : IEntity;
