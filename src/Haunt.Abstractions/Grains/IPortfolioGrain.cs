using Haunt.Abstractions.Entities;
using Haunt.Abstractions.Trading;

namespace Haunt.Abstractions.Grains;

/// <summary>A paper-trading portfolio. It is the single writer of its orders, positions and trades.</summary>
[Alias("haunt.IPortfolioGrain")]
public interface IPortfolioGrain : IWritableEntityGrain<Portfolio>
{
    /// <summary>Opens the portfolio with its starting cash; its home region is the region that creates it.</summary>
    [Alias("CreateAsync")]
    Task<Portfolio> CreateAsync(string owner, decimal startingCash);

    /// <summary>Market orders fill now at the simulated price; limit orders rest until the price crosses.</summary>
    [Alias("PlaceOrderAsync"), PeerCallable(ForwardedWrite = true)]
    Task<Order> PlaceOrderAsync(PlaceOrder request);

    [Alias("CancelOrderAsync"), PeerCallable(ForwardedWrite = true)]
    Task<Order> CancelOrderAsync(string orderId);

    /// <summary>Adds (or, negative, withdraws) cash.</summary>
    [Alias("DepositAsync"), PeerCallable(ForwardedWrite = true)]
    Task<Portfolio> DepositAsync(decimal amount);

    /// <summary>Fills resting limit orders whose price has been crossed; returns how many filled.</summary>
    [Alias("MatchRestingOrdersAsync")]
    Task<int> MatchRestingOrdersAsync();
}

[GenerateSerializer, Immutable, Alias("haunt.PlaceOrder")]
public sealed record PlaceOrder(
    [property: Id(0)] string Symbol,
    [property: Id(1)] OrderSide Side,
    [property: Id(2)] OrderKind Kind,
    [property: Id(3)] decimal Quantity,
    [property: Id(4)] decimal? LimitPrice = null,
    [property: Id(5)] string? OrderId = null);
