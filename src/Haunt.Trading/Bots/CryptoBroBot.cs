using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

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
