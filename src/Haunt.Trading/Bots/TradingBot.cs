using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

/// <summary>
/// A paper trader with its own portfolio in one region, trading through that region's HTTP API with a token
/// of its own (<paramref name="connect"/> gives the client for its user), like any user. Subclasses decide
/// what to do on each tick.
/// </summary>
public abstract class TradingBot(Func<string, HttpClient> connect, string region, MarketFeed market, int seed)
{
    private long _orders;
    private long _refused;

    protected Random Random { get; } = new(seed);
    protected MarketFeed Market => market;
    protected BotAccount Account { get; private set; } = null!;

    public string Region => region;
    public string PortfolioId => Account?.PortfolioId ?? "";
    public long Orders => Interlocked.Read(ref _orders);
    public long Refused => Interlocked.Read(ref _refused);

    public abstract string Name { get; }

    /// <summary>The user the bot is: its portfolio's owner, the subject its tokens would name (e.g. QuantBot@seoul).</summary>
    public string User => $"{Name}@{region}";

    /// <summary>Time between decisions.</summary>
    protected abstract TimeSpan Every { get; }

    protected abstract decimal StartingCash { get; }

    protected abstract Task TickAsync();

    public async Task RunAsync(CancellationToken stop)
    {
        using var account = new BotAccount(connect(User));
        Account = account;
        await account.OpenAsync(StartingCash);
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                try
                {
                    await TickAsync();
                }
                catch (Exception ex) when (ex is OperationRefusedException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref _refused); // a rule said no, or the region is down: try again next tick
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    protected async Task<Order> PlaceAsync(string symbol, OrderSide side, decimal quantity, decimal? limit = null)
    {
        var order = await Account.PlaceAsync(new PlaceOrder(symbol, side, limit is null ? OrderKind.Market : OrderKind.Limit, quantity, limit));
        Interlocked.Increment(ref _orders);
        return order;
    }

    /// <summary>Whole units for stocks, 4 decimals for crypto, for about <paramref name="dollars"/>.</summary>
    protected static decimal QuantityFor(string symbol, decimal dollars, decimal price) =>
        symbol is "BTC" or "ETH" or "SOL" ? Math.Max(0.0001m, Math.Round(dollars / price, 4)) : Math.Max(1, Math.Floor(dollars / price));
}
