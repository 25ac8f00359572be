namespace Haunt.Trading.Market;

/// <summary>
/// Simulated prices: a seeded random walk per symbol, one step per tick of the feed's clock (250 ms).
/// Each silo runs its own feed; orders always execute in their portfolio's home region, so a price
/// only has to be the same within one region.
/// </summary>
public sealed class MarketFeed(TimeProvider time, int seed = 42) : IPriceFeed
{
    public static readonly IReadOnlyDictionary<string, decimal> StartingPrices = new Dictionary<string, decimal>
    {
        ["BTC"] = 65000m,
        ["ETH"] = 3200m,
        ["SOL"] = 150m,
        ["AAPL"] = 190m,
        ["NVDA"] = 120m,
        ["TSLA"] = 250m,
    };

    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(250);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Random Walk, decimal Price, long Step)> _symbols = [];
    private readonly long _origin = time.GetUtcNow().Ticks / s_step.Ticks;

    public static IReadOnlyCollection<string> Symbols => (IReadOnlyCollection<string>)StartingPrices.Keys;

    public static bool IsListed(string symbol) => StartingPrices.ContainsKey(symbol);

    /// <summary>The current price, rounded to the cent; walks forward to the present step first.</summary>
    public decimal PriceOf(string symbol)
    {
        if (!StartingPrices.TryGetValue(symbol, out var start))
        {
            throw new ArgumentException($"Unknown symbol '{symbol}'. Listed: {string.Join(", ", StartingPrices.Keys)}.", nameof(symbol));
        }

        var step = time.GetUtcNow().Ticks / s_step.Ticks - _origin;
        lock (_gate)
        {
            if (!_symbols.TryGetValue(symbol, out var walk))
            {
                walk = (new Random(HashCode.Combine(seed, symbol.Length, symbol[0], symbol[^1])), start, 0);
            }

            // At most a minute of steps per call keeps a long-idle feed cheap to catch up.
            for (var s = Math.Max(walk.Step, step - 240); s < step; s++)
            {
                var move = (decimal)((walk.Walk.NextDouble() - 0.5) * 0.004);
                walk.Price = Math.Max(0.01m, Math.Round(walk.Price * (1 + move), 2));
            }

            walk.Step = Math.Max(walk.Step, step);
            _symbols[symbol] = walk;
            return walk.Price;
        }
    }
}
