using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

/// <summary>
/// Mean reversion over a rolling window of 20 prices: buys 1.5 σ below the mean, sells 1.5 σ above. It keeps its
/// strategy's document (settings, a longer price window, signals, model; ~8 KB) in its portfolio and writes it every
/// tick: the large, often-updated entity that replication sends as deltas.
/// </summary>
public sealed class QuantBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed) : TradingBot(connect, region, market, seed)
{
    private const int Window = 20;
    private readonly Queue<decimal> _prices = new();
    private decimal _held;
    private StrategyDocument? _document;

    public override string Name => "QuantBot";
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(300);
    protected override decimal StartingCash => 500_000m;

    protected override async Task TickAsync()
    {
        var price = Market.PriceOf("ETH");
        await SaveStrategyAsync(price);
        _prices.Enqueue(price);
        if (_prices.Count > Window)
        {
            _prices.Dequeue();
        }

        var mean = _prices.Average();
        var sigma = (decimal)Math.Sqrt(_prices.Select(p => (double)((p - mean) * (p - mean))).Average());
        if (_prices.Count < 5)
        {
            return;
        }

        if (sigma == 0 || price <= mean - 1.5m * sigma || _held == 0)
        {
            // Cheap against its recent past (or nothing held yet): buy a slice.
            if ((await PlaceAsync("ETH", OrderSide.Buy, 1m)).Status == OrderStatus.Filled)
            {
                _held += 1m;
            }
        }
        else if (price >= mean + 1.5m * sigma && _held > 0 && (await PlaceAsync("ETH", OrderSide.Sell, 1m)).Status == OrderStatus.Filled)
        {
            _held -= 1m;
        }
    }

    /// <summary>The strategy one tick further, saved to the bot's portfolio (named after it: one strategy per portfolio).</summary>
    private async Task SaveStrategyAsync(decimal price)
    {
        var next = _document?.Observe(price, DateTimeOffset.UtcNow, Random) ?? StrategyDocument.Start("ETH", price, DateTimeOffset.UtcNow, Random);
        await Account.SaveStrategyAsync(new Strategy($"{PortfolioId}-quant", PortfolioId, "mean reversion", "{\"window\":20,\"sigma\":1.5}", true, next));
        _document = next;
    }
}
