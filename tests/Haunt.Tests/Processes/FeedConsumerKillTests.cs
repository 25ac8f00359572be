using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;
using Haunt.Tests.Partitions;
using Xunit.Abstractions;

namespace Haunt.Tests.Processes;

[Collection(ProcessCollection.Name)]
public sealed class SqliteFeedConsumerKillTests(ITestOutputHelper output) : FeedConsumerKillTests(StoreKind.Sqlite, output);

[Collection(ProcessCollection.Name)]
public sealed class PostgresFeedConsumerKillTests(ITestOutputHelper output) : FeedConsumerKillTests(StoreKind.Postgres, output);

/// <summary>
/// Issue 23: osaka as two silo processes sharing its store, writers in every region, and a consumer of osaka's change
/// feed killed at random points (server-sent events and long-poll pages) that resumes from the token it last saved;
/// halfway, the silo it reads from is killed with kill -9 and it reads on through the other. The union of what it
/// received is osaka's whole feed, with no gap, and each session got only changes after the token it resumed from.
/// </summary>
public abstract class FeedConsumerKillTests : IAsyncLifetime
{
    private readonly StoreKind _kind;
    private readonly ITestOutputHelper _output;
    private readonly List<HttpClient> _http = [];
    private SiloProcessSet? _set;

    protected FeedConsumerKillTests(StoreKind kind, ITestOutputHelper output)
    {
        (_kind, _output) = (kind, output);
        StoreKinds.SkipIfUnavailable(kind);
    }

    public async Task InitializeAsync() => _set = await SiloProcessSet.StartAsync(_kind, "feed-kill", osakaSilos: 2);

    public async Task DisposeAsync()
    {
        _http.ForEach(h => h.Dispose());
        if (_set is not null)
        {
            await _set.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_consumer_killed_at_random_points_and_the_silo_it_reads_from_killed_sees_every_change_with_no_gap()
    {
        var osaka = _set!.Silos.Where(s => s.Region == KnownRegions.Osaka).ToList();
        var (first, second) = (osaka[0], osaka[1]);
        SiloProcess Single(string region) => _set.Silos.Single(s => s.Region == region);
        var lanes = new List<WriterLane>
        {
            new(KnownRegions.Osaka, Client(first, second)),
            new(KnownRegions.Seoul, Client(Single(KnownRegions.Seoul))),
            new(KnownRegions.Nyc, Client(Single(KnownRegions.Nyc))),
        };
        var seed = Environment.TickCount;
        var consumer = new KillableFeedConsumer(Client(first, second), seed); // reads through the first silo until it refuses
        await using var writers = SteadyWriters.Start(lanes);
        using var stopConsumer = new CancellationTokenSource();
        var consuming = Task.Run(async () =>
        {
            while (!stopConsumer.IsCancellationRequested)
            {
                await consumer.RunSessionAsync(stopConsumer.Token);
            }
        });

        await Eventually.WaitUntilAsync(() => Task.FromResult(writers.All.All(w => w.Acked >= 20) && consumer.Sessions.Count >= 10),
            "every region acknowledged writes and the consumer was killed a few times", TimeSpan.FromSeconds(60));
        var sessionsBefore = consumer.Sessions.Count;
        await first.KillAsync();
        var killedAt = DateTime.UtcNow;
        await Eventually.WaitUntilAsync(() => Task.FromResult(writers.AckTimesOf(0).Count(t => t > killedAt) >= 30 && consumer.Sessions.Count >= sessionsBefore + 10),
            "osaka acknowledged writes through its other silo and the consumer read on through it", TimeSpan.FromSeconds(90));
        await writers.StopAsync();
        await stopConsumer.CancelAsync();
        await consuming;

        var http = new Dictionary<string, HttpClient>
        {
            [KnownRegions.Osaka] = Client(second),
            [KnownRegions.Seoul] = lanes[1].Http,
            [KnownRegions.Nyc] = lanes[2].Http,
        };
        await EndState.WaitUntilConvergedAsync(http, TimeSpan.FromSeconds(90));
        var head = KillableFeedConsumer.SeqOf((await http[KnownRegions.Osaka].GetJsonAsync("/api/changes?since=now")).GetProperty("next").GetString()!);
        await Eventually.WaitUntilAsync(async () =>
        {
            await consumer.RunSessionAsync(CancellationToken.None);
            return consumer.Sessions.Any(s => s.Changes.Any(c => c.Seq >= head));
        }, "the consumer caught up with osaka's feed", TimeSpan.FromSeconds(60));

        var feed = await WholeFeedAsync(http[KnownRegions.Osaka]);
        var received = consumer.Sessions.SelectMany(s => s.Changes).ToList();
        var duplicates = received.Count - received.Select(c => c.Seq).Distinct().Count();
        _output.WriteLine($"{_kind} (seed {seed}): {feed.Count} changes in osaka's feed, {consumer.Sessions.Count} sessions " +
            $"({consumer.Sessions.Count(s => s.Streamed)} streamed), {received.Count} received, {duplicates} again after a resume");

        Assert.All(consumer.Sessions, s =>
        {
            Assert.All(s.Changes, c => Assert.True(c.Seq > s.From, $"a session from {s.From} received {c.Seq}: at or before its token"));
            Assert.Equal(s.Changes.Select(c => c.Seq).Order(), s.Changes.Select(c => c.Seq)); // in seq order within a session
        });
        var seen = received.DistinctBy(c => c.Seq).ToDictionary(c => c.Seq, c => c.Version);
        var missing = feed.Where(c => !seen.ContainsKey(c.Seq)).Take(10).ToList();
        Assert.True(missing.Count == 0, $"changes the consumer never received: {string.Join(", ", missing)}");
        Assert.All(feed.Where(c => c.Seq <= head), c => Assert.Equal(c.Version, seen[c.Seq])); // the same change under the same token every time
        Assert.All(received, c => Assert.Equal(seen[c.Seq], c.Version));

        // Every acknowledged write of every region is in osaka's feed as the consumer saw it.
        var entities = seen.Values.Select(v => v[..v.IndexOf('@')]).ToHashSet();
        foreach (var writes in writers.All)
        {
            Assert.All(writes.Portfolios, id => Assert.Contains($"Portfolio/{id}", entities));
            Assert.All(writes.Orders.Keys, id => Assert.Contains($"Order/{id}", entities));
        }
    }

    /// <summary>The region's whole feed from the oldest change kept, read page by page.</summary>
    private static async Task<List<ReceivedChange>> WholeFeedAsync(HttpClient region)
    {
        var (feed, since) = (new List<ReceivedChange>(), "");
        while (true)
        {
            var page = await region.GetJsonAsync($"/api/changes?limit=1000{since}");
            var changes = page.GetProperty("changes").EnumerateArray().ToList();
            if (changes.Count == 0)
            {
                return feed;
            }

            feed.AddRange(changes.Select(c => ReceivedChange.Of(c.GetProperty("seq").GetInt64(), c)));
            since = $"&since={page.GetProperty("next").GetString()}";
        }
    }

    /// <summary>An operator's HTTP client of a region's API: the first silo, then the others when it refuses connections.</summary>
    private HttpClient Client(params SiloProcess[] silos)
    {
        var http = FailoverHandler.OperatorClient(silos);
        _http.Add(http);
        return http;
    }
}
