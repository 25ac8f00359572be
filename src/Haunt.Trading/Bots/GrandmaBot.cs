using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

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
