using Haunt.Grains.Trading;

namespace Haunt.Silo.Bots;

/// <summary>The four bots in every region, each with its own portfolio there, trading through that region's cluster.</summary>
public sealed class BotRunner(Func<string, IGrainFactory> grainsOf)
{
    private readonly MarketFeed _market = new(TimeProvider.System);

    public List<TradingBot> Bots { get; } = [];

    public Task RunAsync(CancellationToken stop)
    {
        var seed = 100;
        foreach (var region in KnownRegions.All)
        {
            var grains = grainsOf(region);
            Bots.Add(new GrandmaBot(grains, region, _market, seed++));
            Bots.Add(new CryptoBroBot(grains, region, _market, seed++));
            Bots.Add(new QuantBot(grains, region, _market, seed++));
            Bots.Add(new ScalperBot(grains, region, _market, seed++));
        }

        return Task.WhenAll(Bots.Select(b => b.RunAsync(stop)));
    }
}
