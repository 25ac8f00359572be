using System.Diagnostics;
using System.Net.ServerSentEvents;

namespace Haunt.Bench;

/// <summary>Replicated throughput with this many server-sent-event consumers of the first region's feed, and what they were delivered.</summary>
public sealed record FeedRun(int Consumers, double ChangesPerSecond, double DeliveredPerSecondPerConsumer, long CommittedInFirstRegion);

/// <summary>Issue 23, item 8: what the change feed delivers, and what reading it costs the writes.</summary>
public sealed record FeedFigures(IReadOnlyList<FeedRun> Runs)
{
    /// <summary>Replicated throughput with one consumer over none.</summary>
    public double? OneVsNone => Ratio(1);

    /// <summary>Replicated throughput with ten consumers over none.</summary>
    public double? TenVsNone => Ratio(10);

    private double? Ratio(int consumers) =>
        Runs.FirstOrDefault(r => r.Consumers == 0) is { ChangesPerSecond: > 0 } none && Runs.FirstOrDefault(r => r.Consumers == consumers) is { } with
            ? with.ChangesPerSecond / none.ChangesPerSecond
            : null;
}

/// <summary>
/// The closed-loop replicated load of the replicated phase, three times: with no consumer of the feed, with one and with
/// ten, each an operator's server-sent event stream of the first region's feed from the load's start (every change that
/// region stores: its own writes and the other regions'). A consumer's rate is the changes it was delivered while the
/// load ran and the regions drained, over that time.
/// </summary>
public static class FeedPhase
{
    public static async Task<FeedFigures> MeasureAsync(BenchCluster cluster, int writers, TimeSpan phase)
    {
        // A first round warms the cluster up (JIT, pools, caches) and is not counted: the first round of a cluster is slower.
        await BenchCommand.ReplicatedThroughputAsync(cluster, writers, phase / 2);
        var runs = new List<FeedRun>();
        foreach (var consumers in new[] { 0, 1, 10 })
        {
            var region = cluster.Regions[0];
            var start = (await cluster.Store(region).FeedBoundsAsync()).LatestSeq;
            using var stop = new CancellationTokenSource();
            var counts = new long[consumers];
            var reading = Enumerable.Range(0, consumers).Select(i => ConsumeAsync(cluster, region, $"{region}.{start}", i, counts, stop.Token)).ToList();
            var clock = Stopwatch.StartNew();
            var rate = await BenchCommand.ReplicatedThroughputAsync(cluster, writers, phase);
            var seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(reading);
            var committed = (await cluster.Store(region).FeedBoundsAsync()).LatestSeq - start;
            var delivered = consumers == 0 ? 0 : counts.Average() / seconds;
            BenchCommand.Log($"  {consumers} consumer(s): {rate:N0} changes/s replicated; {region} committed {committed:N0} changes, each consumer delivered {delivered:N0}/s");
            runs.Add(new FeedRun(consumers, rate, delivered, committed));
        }

        return new FeedFigures(runs);
    }

    private static async Task ConsumeAsync(BenchCluster cluster, string region, string since, int index, long[] counts, CancellationToken stop)
    {
        using var http = cluster.OperatorApi(region, $"feed-consumer-{index}");
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/changes?since={since}&limit=1000");
        request.Headers.Accept.ParseAdd("text/event-stream");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(stop);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(stop))
            {
                if (item.EventType == "change")
                {
                    counts[index]++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the load ended
        }
    }
}
