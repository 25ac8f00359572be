using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>
/// Writes for the benchmark: profile updates over a fixed pool of ids per region (one grain call = one
/// change), either closed-loop (N writers as fast as they go) or open-loop at a fixed offered rate.
/// </summary>
public sealed class LoadDriver(BenchCluster cluster, int idsPerRegion = 4096)
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
        var id = $"{region}-bench-{n % idsPerRegion:D5}";
        await cluster.Grains(region).GetGrain<IProfileGrain>(EntityKey.Of(region, id))
            .PutAsync(new Profile(id, $"bench trader {n}", $"trader{n % idsPerRegion}@haunt.example", n % 10));
        Interlocked.Increment(ref _written);
    }
}
