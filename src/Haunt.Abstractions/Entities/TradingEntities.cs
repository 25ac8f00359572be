using Haunt.Abstractions.Trading;

namespace Haunt.Abstractions.Entities;

// The four entities that trading writes. Money is decimal: paper trading still has to add up to the cent.

[GenerateSerializer, Immutable, Alias("haunt.Portfolio")]
public sealed record Portfolio(
    [property: Id(0)] string Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] decimal Cash,
    [property: Id(3)] decimal StartingCash,
    [property: Id(4)] DateTimeOffset CreatedAt) : IEntity;

/// <summary>An order. Id is <see cref="OrderIds.For"/> of its portfolio and ClientOrderId (a fresh id when the client gave none).</summary>
[GenerateSerializer, Immutable, Alias("haunt.Order")]
public sealed record Order(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Symbol,
    [property: Id(3)] OrderSide Side,
    [property: Id(4)] OrderKind Kind,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal? LimitPrice,
    [property: Id(7)] OrderStatus Status,
    [property: Id(8)] decimal? FilledPrice,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] string? RejectReason = null,
    [property: Id(11)] string? ClientOrderId = null) : IPortfolioOwned;

/// <summary>Holdings of one symbol. CostBasis is the total paid for the quantity held (average-cost method).</summary>
[GenerateSerializer, Immutable, Alias("haunt.Position")]
public sealed record Position(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string Symbol,
    [property: Id(3)] decimal Quantity,
    [property: Id(4)] decimal CostBasis,
    [property: Id(5)] decimal RealizedPnl) : IPortfolioOwned
{
    public static string IdFor(string portfolioId, string symbol) => $"{portfolioId}:{symbol}";
}

[GenerateSerializer, Immutable, Alias("haunt.Trade")]
public sealed record Trade(
    [property: Id(0)] string Id,
    [property: Id(1)] string PortfolioId,
    [property: Id(2)] string OrderId,
    [property: Id(3)] string Symbol,
    [property: Id(4)] OrderSide Side,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal Price,
    [property: Id(7)] DateTimeOffset ExecutedAt) : IPortfolioOwned;
