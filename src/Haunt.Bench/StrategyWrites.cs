using System.Collections.Concurrent;

namespace Haunt.Bench;

/// <summary>
/// Writes of large entities for the benchmark: a pool of strategies per region, each written whole once and then on
/// every write one tick further (<see cref="StrategyDocument.Observe"/>: the window moves by a price, one weight of
/// the model changes, every fourth tick a signal), some 8 KB of JSON of which a few fields change.
/// </summary>
public sealed class StrategyWrites(BenchCluster cluster)
{
    private readonly ConcurrentDictionary<string, StrategyDocument> _documents = new();

    public async Task WriteAsync(string region, int n)
    {
        var id = $"{region}-strategy-{n:D5}";
        var price = Math.Round(3000m + (decimal)Random.Shared.NextDouble() * 50m, 2);
        var document = _documents.TryGetValue(id, out var last)
            ? last.Observe(price, DateTimeOffset.UtcNow, Random.Shared)
            : StrategyDocument.Start("ETH", price, DateTimeOffset.UtcNow, Random.Shared);
        await cluster.Grains(region).GetGrain<IStrategyGrain>(EntityKey.Of(region, id))
            .PutAsync(new Strategy(id, $"{region}-bench-portfolio", "mean reversion", "{}", true, document));
        _documents[id] = document;
    }
}
