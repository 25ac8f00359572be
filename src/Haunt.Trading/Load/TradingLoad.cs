using Haunt.Abstractions.Entities;
using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Load;

/// <summary>
/// A steady stream of trading writes in one region: portfolios created there, market and limit orders on
/// them, and now and then a write of each other entity type. Bounded concurrency, a fixed rate.
/// </summary>
public sealed class TradingLoad(IGrainFactory grains, string region, int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<(string Id, string Owner)> _portfolios = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrategyDocument> _strategies = new();

    private long _writes;
    private long _failures;

    public long Writes => Interlocked.Read(ref _writes);
    public long Failures => Interlocked.Read(ref _failures);

    public async Task RunAsync(int writesPerSecond, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 4; i++)
        {
            var id = Guid.CreateVersion7().ToString("N");
            var owner = $"{region}-trader-{i}";
            ActingUser.Set(owner);
            await grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, id)).CreateAsync(owner, 1_000_000m);
            _portfolios.Add((id, owner));
            Interlocked.Increment(ref _writes);
        }

        // Open loop with a bound on writes in flight: a region that stops answering slows only its own
        // writes down to the bound, never the clock of the load.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var inFlight = new SemaphoreSlim(Math.Max(16, writesPerSecond / 2));
        var perTick = Math.Max(1, writesPerSecond / 10);
        var pending = new List<Task>();
        while (await WaitAsync(timer, cancellationToken))
        {
            for (var i = 0; i < perTick && inFlight.Wait(0); i++)
            {
                pending.Add(OneWriteAsync().ContinueWith(_ => inFlight.Release(), TaskScheduler.Default));
            }

            pending.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(pending);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task OneWriteAsync()
    {
        try
        {
            await PickWrite()();
            Interlocked.Increment(ref _writes);
        }
        catch (Exception ex) when (ex is OperationRefusedException or EntityNotFoundException
            or RegionUnavailableException or TimeoutException or OrleansException)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    private Func<Task> PickWrite()
    {
        var (portfolioId, owner) = _portfolios[_random.Next(_portfolios.Count)];
        // Made for the portfolio's owner, as the HTTP API would: wherever a write lands, its owner is checked.
        ActingUser.Set(owner);
        var portfolio = grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, portfolioId));
        var symbol = MarketFeed.Symbols.ElementAt(_random.Next(MarketFeed.Symbols.Count));
        var id = Guid.CreateVersion7().ToString("N");
        var now = DateTimeOffset.UtcNow;
        return _random.Next(20) switch
        {
            < 12 => () => portfolio.PlaceOrderAsync(new PlaceOrder(symbol, _random.Next(3) == 0 ? OrderSide.Sell : OrderSide.Buy, OrderKind.Market, 1)),
            12 => () => Put<IProfileGrain, Profile>(portfolioId, new Profile(portfolioId, $"trader {portfolioId[^4..]}", null, _random.Next(1, 10))),
            13 => () => PutStrategyAsync(portfolio, portfolioId, symbol),
            14 => () => Put<IPortfolioSnapshotGrain, PortfolioSnapshot>(id, new PortfolioSnapshot(id, portfolioId, 0, 0, now)),
            15 => () => Put<IMarginHistoryGrain, MarginHistory>(id, new MarginHistory(id, portfolioId, _random.Next(1000), 1_000_000m, now)),
            16 => () => Put<IFundingPaymentGrain, FundingPayment>(id, new FundingPayment(id, portfolioId, symbol, 1.25m, 0.0001m, now)),
            17 => () => Put<IPredictionHistoryGrain, PredictionHistory>(id, new PredictionHistory(id, symbol, "ewma", 100m, null, now)),
            18 => () => Put<IOptionsPositionGrain, OptionsPosition>(id, new OptionsPosition(id, portfolioId, symbol, OptionKind.Call, 100m, DateOnly.FromDateTime(now.AddDays(30).UtcDateTime), 1, 2.5m)),
            _ => () => Put<ILiquidationGrain, Liquidation>(id, new Liquidation(id, portfolioId, symbol, 0, 0, "drill", now)),
        };
    }

    /// <summary>
    /// The portfolio's strategy one tick further: its document (settings, price window, signals, model; some 8 KB)
    /// moves by the symbol's price, as a running strategy's state does.
    /// </summary>
    private async Task PutStrategyAsync(IPortfolioGrain portfolio, string portfolioId, string symbol)
    {
        var price = Math.Round(MarketFeed.StartingPrices[symbol] * (0.95m + (decimal)_random.NextDouble() / 10), 2);
        var document = _strategies.TryGetValue(portfolioId, out var last)
            ? last.Observe(price, DateTimeOffset.UtcNow, _random)
            : StrategyDocument.Start(symbol, price, DateTimeOffset.UtcNow, _random);
        await Put<IStrategyGrain, Strategy>(portfolioId, new Strategy(portfolioId, portfolioId, "mean reversion", "{}", true, document));
        _strategies[portfolioId] = document;
    }

    private Task Put<TGrain, T>(string id, T value) where TGrain : IWritableEntityGrain<T> where T : class, IEntity =>
        grains.GetGrain<TGrain>(EntityKey.Of(region, id)).PutAsync(value);
}
