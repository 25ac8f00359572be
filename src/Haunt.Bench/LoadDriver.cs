using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>
/// Writes for the benchmark: profile updates (or, given <paramref name="strategies"/>, strategy updates) over a fixed
/// pool of ids per region (one grain call = one change), either closed-loop (N writers as fast as they go) or open-loop
/// at a fixed offered rate.
/// </summary>
public sealed class LoadDriver(BenchCluster cluster, int idsPerRegion = 4096, StrategyWrites? strategies = null)
{
    private long _written;

    public long Written => Interlocked.Read(ref _written);

    public async Task ClosedLoopAsync(int writersPerRegion, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(cluster.Regions.SelectMany(region => Enumerable.Range(0, writersPerRegion).Select(async w =>
        {
            var n = w;
            while (!stop.IsCancellationRequested)
            {
                await WriteAsync(region, n);
                n += writersPerRegion;
            }
        })));
    }

    /// <summary>Writes each id of every region once (<paramref name="concurrency"/> writers per region): a store of a known size.</summary>
    public Task SeedAsync(int concurrency) => Task.WhenAll(cluster.Regions.SelectMany(region => Enumerable.Range(0, concurrency).Select(async w =>
    {
        for (var n = w; n < idsPerRegion; n += concurrency)
        {
            await WriteAsync(region, n);
        }
    })));

    /// <summary>
    /// Writes each id of every region once, in transactions of 1,000 through the region's store: entity rows and outbox
    /// rows in one commit, as a grain's write makes them, replicated by the sync loops. For stores of a million
    /// entities: a grain activation per entity (<see cref="SeedAsync"/>) slowed to some 400 writes/s past 1.7 million
    /// activations. Pauses while a region's outbox holds more than a batch window, to stay under the backlog bound.
    /// </summary>
    public Task SeedThroughStoresAsync() => Task.WhenAll(cluster.Regions.Select(async region =>
    {
        var (store, states) = (cluster.Store(region), cluster.Services(region).GetRequiredService<Haunt.Grains.Replication.LocalStates>());
        var peers = cluster.Regions.Where(r => r != region).ToList();
        for (var from = 0; from < idsPerRegion; from += 1000)
        {
            var writes = Enumerable.Range(from, Math.Min(1000, idsPerRegion - from))
                .Select(n => states.Next(null, new Profile(IdOf(region, n), $"bench trader {n}", $"trader{n}@haunt.example", n % 10))).ToList();
            await store.CommitLocalAsync(writes);
            Interlocked.Add(ref _written, writes.Count);
            while ((await Task.WhenAll(peers.Select(p => store.BacklogAsync(p)))).Max(b => b.Rows) > 50_000)
            {
                await Task.Delay(50);
            }
        }
    }));

    /// <summary>Offers <paramref name="perSecond"/> writes a second spread over the regions, in 10 ms slices.</summary>
    public async Task OpenLoopAsync(int perSecond, TimeSpan duration, int maxInFlight = 2000)
    {
        var regions = cluster.Regions.ToArray();
        var inFlight = new SemaphoreSlim(maxInFlight);
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        long issued = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; issued < due; issued++)
            {
                await inFlight.WaitAsync();
                var (region, n) = (regions[issued % regions.Length], (int)issued);
                pending.Add(Task.Run(async () =>
                {
                    try
                    {
                        await WriteAsync(region, n);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }));
            }

            pending.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(pending);
    }

    private async Task WriteAsync(string region, int n)
    {
        if (strategies is not null)
        {
            await strategies.WriteAsync(region, n % idsPerRegion);
            Interlocked.Increment(ref _written);
            return;
        }

        var id = IdOf(region, n % idsPerRegion);
        await cluster.Grains(region).GetGrain<IProfileGrain>(EntityKey.Of(region, id))
            .PutAsync(new Profile(id, $"bench trader {n}", $"trader{n % idsPerRegion}@haunt.example", n % 10));
        Interlocked.Increment(ref _written);
    }

    private static string IdOf(string region, int n) => $"{region}-bench-{n:D5}";
}
