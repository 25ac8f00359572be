using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

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
