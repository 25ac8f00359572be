using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;

namespace Haunt.Trading.Bots;

/// <summary>
/// The four bots in every region of <paramref name="regions"/> (default osaka, seoul, nyc), each a user with its own
/// portfolio there, trading through that region's HTTP API: <paramref name="clientFor"/>(region, user) gives a client
/// of the region's API carrying that user's token.
/// </summary>
public sealed class BotRunner(Func<string, string, HttpClient> clientFor, IReadOnlyList<string>? regions = null)
{
    private readonly MarketFeed _market = new(TimeProvider.System);

    public List<TradingBot> Bots { get; } = [];

    public Task RunAsync(CancellationToken stop)
    {
        var seed = 100;
        foreach (var region in regions ?? RegionSet.Default.All)
        {
            HttpClient Connect(string user) => clientFor(region, user);
            Bots.Add(new GrandmaBot(Connect, region, _market, seed++));
            Bots.Add(new CryptoBroBot(Connect, region, _market, seed++));
            Bots.Add(new QuantBot(Connect, region, _market, seed++));
            Bots.Add(new ScalperBot(Connect, region, _market, seed++));
        }

        return Task.WhenAll(Bots.Select(b => b.RunAsync(stop)));
    }
}
