using System.Collections.Concurrent;
using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;

namespace Haunt.Tests.Cluster;

/// <summary>
/// The price feed of a test silo: the simulated market, except for the symbols a test has set a price for, so
/// that a test can move a price across a limit order when it wants to.
/// </summary>
public sealed class SteerablePrices(MarketFeed market) : IPriceFeed
{
    private readonly ConcurrentDictionary<string, decimal> _set = new(StringComparer.Ordinal);

    public decimal PriceOf(string symbol) => _set.TryGetValue(symbol, out var price) ? price : market.PriceOf(symbol);

    public void Set(string symbol, decimal price) => _set[symbol] = price;

    public void Release(string symbol) => _set.TryRemove(symbol, out _);
}
