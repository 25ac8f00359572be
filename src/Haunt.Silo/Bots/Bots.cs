using Haunt.Grains.Trading;
using Haunt.Trading;

namespace Haunt.Silo.Bots;

/// <summary>Rare, small, buy-and-hold: now and then buys a little of a blue chip, never sells.</summary>
public sealed class GrandmaBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed) : TradingBot(connect, region, market, seed)
{
    public override string Name => "GrandmaBot";
    protected override TimeSpan Every => TimeSpan.FromSeconds(2);
    protected override decimal StartingCash => 50_000m;

    protected override Task TickAsync()
    {
        var symbol = Random.Next(2) == 0 ? "AAPL" : "NVDA";
        return Random.Next(3) == 0 ? PlaceAsync(symbol, OrderSide.Buy, QuantityFor(symbol, 300m, Market.PriceOf(symbol))) : Task.CompletedTask;
    }
}

/// <summary>Large, momentum: buys crypto that went up over its last five looks, dumps half when it turns down.</summary>
public sealed class CryptoBroBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed) : TradingBot(connect, region, market, seed)
{
    private readonly Dictionary<string, Queue<decimal>> _seen = [];
    private readonly Dictionary<string, decimal> _held = [];

    public override string Name => "CryptoBroBot";
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(700);
    protected override decimal StartingCash => 2_000_000m;

    protected override async Task TickAsync()
    {
        var symbol = new[] { "BTC", "ETH", "SOL" }[Random.Next(3)];
        var price = Market.PriceOf(symbol);
        var seen = _seen.TryGetValue(symbol, out var q) ? q : _seen[symbol] = new Queue<decimal>();
        seen.Enqueue(price);
        if (seen.Count > 5)
        {
            seen.Dequeue();
        }

        var held = _held.GetValueOrDefault(symbol);
        if (seen.Count < 5 || price >= seen.Peek())
        {
            var quantity = QuantityFor(symbol, 25_000m, price); // FOMO from the first look
            if ((await PlaceAsync(symbol, OrderSide.Buy, quantity)).Status == OrderStatus.Filled)
            {
                _held[symbol] = held + quantity;
            }
        }
        else if (held > 0)
        {
            var quantity = Math.Round(held / 2, 4);
            if (quantity > 0 && (await PlaceAsync(symbol, OrderSide.Sell, quantity)).Status == OrderStatus.Filled)
            {
                _held[symbol] = held - quantity;
            }
        }
    }
}

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

/// <summary>Many small limit orders a hair inside the price; cancels whatever has not filled after two seconds.</summary>
public sealed class ScalperBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed) : TradingBot(connect, region, market, seed)
{
    private readonly Queue<(string Id, DateTimeOffset At)> _open = new();

    public override string Name => "ScalperBot";
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(250);
    protected override decimal StartingCash => 100_000m;

    protected override async Task TickAsync()
    {
        while (_open.TryPeek(out var oldest) && DateTimeOffset.UtcNow - oldest.At > TimeSpan.FromSeconds(2))
        {
            _open.Dequeue();
            try
            {
                await Account.CancelAsync(oldest.Id);
            }
            catch (OperationRefusedException)
            {
                // it filled (or was already cancelled) in the meantime
            }
        }

        var price = Market.PriceOf("SOL");
        var limit = Math.Round(price * (Random.Next(2) == 0 ? 0.9995m : 1.0005m), 2);
        var order = await PlaceAsync("SOL", OrderSide.Buy, 0.5m, limit);
        if (order.Status == OrderStatus.Open)
        {
            _open.Enqueue((order.Id, DateTimeOffset.UtcNow));
        }
    }
}
