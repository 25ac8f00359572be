using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

/// <summary>Mean reversion over a rolling window of 20 prices: buys 1.5 σ below the mean, sells 1.5 σ above.</summary>
public sealed class QuantBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed) : TradingBot(connect, region, market, seed)
{
    private const int Window = 20;
    private readonly Queue<decimal> _prices = new();
    private decimal _held;

    public override string Name => "QuantBot";
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(300);
    protected override decimal StartingCash => 500_000m;

    protected override async Task TickAsync()
    {
        var price = Market.PriceOf("ETH");
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
}
