using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Haunt.Silo.Security;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteChangeFeedTests(SqliteApiHost host) : ChangeFeedTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresChangeFeedTests(PostgresApiHost host) : ChangeFeedTests(host);

/// <summary>GET /api/changes over real HTTP in every region: what the API's flows wrote, in per-entity order, to whom, and bad tokens.</summary>
public abstract class ChangeFeedTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    /// <summary>Every change the client may see in a region, read page by page from the oldest kept.</summary>
    private static async Task<List<JsonElement>> ReadAllAsync(HttpClient http, string query = "", int limit = 1000)
    {
        var all = new List<JsonElement>();
        string? token = null;
        while (true)
        {
            var since = token is null ? "" : $"&since={Uri.EscapeDataString(token)}";
            var page = await http.GetJsonAsync($"/api/changes?limit={limit}{since}{query}");
            var changes = page.GetProperty("changes").EnumerateArray().ToList();
            all.AddRange(changes);
            token = page.GetProperty("next").GetString();
            if (changes.Count < limit)
            {
                return all;
            }
        }
    }

    [SkippableFact]
    public async Task Every_write_of_the_trading_flows_is_in_every_regions_feed_in_per_entity_order_deletes_included()
    {
        using var alice = host.Client(KnownRegions.Osaka, TestTokens.For("feed-alice"));
        var portfolio = await alice.CreatePortfolioAsync();
        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 1 })).StatusCode);
        var limit = await (await alice.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "ETH", side = "Buy", kind = "Limit", quantity = 1, limitPrice = 1 })).JsonAsync();
        var orderId = limit.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync($"/api/portfolios/{portfolio}/orders/{orderId}")).StatusCode);
        var strategyId = Guid.CreateVersion7().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await alice.PutAsJsonAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", new { name = "s", enabled = true })).StatusCode);
        await host.GrainsOf(KnownRegions.Osaka).GetGrain<IStrategyGrain>(EntityKey.Of(KnownRegions.Osaka, strategyId)).DeleteAsync();

        // What osaka stored for the portfolio: every version of every entity, in osaka's feed.
        var written = (await ReadAllAsync(alice, $"&portfolio={portfolio}")).Select(Version).ToList();
        Assert.Contains(written, c => c.Type == "Order" && c.Id == orderId && c.Operation == "Insert");
        Assert.Contains(written, c => c.Type == "Trade");
        Assert.Contains(written, c => c.Type == "Position");
        Assert.Contains(written, c => c.Type == "Strategy" && c.Operation == "Delete" && c.Deleted);
        Assert.True(written.Count(c => c.Type == "Order" && c.Id == orderId) >= 2, "the order placed, then cancelled");

        foreach (var region in KnownRegions.All)
        {
            using var reader = host.Client(region, TestTokens.For("feed-alice"));
            await Eventually.WaitUntilAsync(async () =>
            {
                var seen = (await ReadAllAsync(reader, $"&portfolio={portfolio}")).Select(Version).ToList();
                return written.All(w => seen.Exists(s => s.Type == w.Type && s.Id == w.Id && s.Vector == w.Vector));
            }, $"{region}'s feed holds every change osaka made");

            var feed = (await ReadAllAsync(reader, $"&portfolio={portfolio}")).Select(Version).ToList();
            foreach (var entity in feed.GroupBy(c => (c.Type, c.Id)))
            {
                var vectors = entity.Select(c => VersionVector.Parse(c.Vector)).ToList();
                Assert.True(vectors.Zip(vectors.Skip(1)).All(p => p.Second.Compare(p.First) == VectorOrder.Newer),
                    $"{region}: {entity.Key} in per-entity order: {string.Join(" → ", vectors)}");
            }

            if (region != KnownRegions.Osaka)
            {
                Assert.All(feed, c => Assert.Equal(KnownRegions.Osaka, c.Origin)); // applied here, written there
            }
        }
    }

    [SkippableFact]
    public async Task A_user_sees_only_their_own_portfolios_changes_and_an_operator_sees_all()
    {
        using var carol = host.Client(KnownRegions.Seoul, TestTokens.For("feed-carol"));
        using var dave = host.Client(KnownRegions.Seoul, TestTokens.For("feed-dave"));
        var carols = await carol.CreatePortfolioAsync();
        var daves = await dave.CreatePortfolioAsync();
        Assert.Equal(HttpStatusCode.Created, (await carol.PostAsJsonAsync($"/api/portfolios/{carols}/orders", new { symbol = "SOL", side = "Buy", kind = "Market", quantity = 1 })).StatusCode);

        foreach (var region in KnownRegions.All)
        {
            using var asDave = host.Client(region, TestTokens.For("feed-dave"));
            using var asOperator = host.Client(region, TestTokens.For("feed-operator", HauntPolicies.OperatorRole));
            await Eventually.WaitUntilAsync(async () => (await ReadAllAsync(asOperator)).Exists(c => c.GetProperty("portfolioId").GetString() == carols)
                && (await ReadAllAsync(asOperator)).Exists(c => c.GetProperty("portfolioId").GetString() == daves), $"{region} has both portfolios' changes");

            var davesFeed = await ReadAllAsync(asDave);
            Assert.NotEmpty(davesFeed);
            Assert.All(davesFeed, c => Assert.Equal(daves, c.GetProperty("portfolioId").GetString()));
            Assert.Equal(HttpStatusCode.NotFound, (await asDave.GetAsync($"/api/changes?portfolio={carols}")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task A_feed_read_in_pages_has_no_gap_and_no_repeat()
    {
        using var erin = host.Client(KnownRegions.Nyc, TestTokens.For("feed-erin"));
        var portfolio = await erin.CreatePortfolioAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await erin.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 1 })).StatusCode);
        }

        var whole = (await ReadAllAsync(erin)).Select(c => c.GetProperty("token").GetString()).ToList();
        var paged = (await ReadAllAsync(erin, limit: 2)).Select(c => c.GetProperty("token").GetString()).ToList();
        Assert.True(whole.Count >= 10, $"the portfolio, 5 orders and their fills ({whole.Count})");
        Assert.Equal(whole, paged);
    }

    [SkippableTheory]
    [InlineData("since=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("since=osaka.-4", HttpStatusCode.BadRequest)]
    [InlineData("since=seoul.12", HttpStatusCode.BadRequest)] // seoul's token read in osaka
    [InlineData("limit=0", HttpStatusCode.BadRequest)]
    [InlineData("limit=1001", HttpStatusCode.BadRequest)]
    [InlineData("types=Order,Nope", HttpStatusCode.BadRequest)]
    [InlineData("types=7", HttpStatusCode.BadRequest)]
    public async Task A_bad_query_gets_problem_details(string query, HttpStatusCode expected)
    {
        var answer = await host.Http[KnownRegions.Osaka].GetAsync($"/api/changes?{query}");
        Assert.Equal(expected, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task A_token_older_than_the_feed_keeps_gets_410_and_since_now_starts_again()
    {
        var osaka = host.Http[KnownRegions.Osaka];
        await osaka.CreatePortfolioAsync();
        var old = (await osaka.GetJsonAsync("/api/changes?since=now")).GetProperty("next").GetString()!;
        await osaka.CreatePortfolioAsync();
        var store = host.Store(KnownRegions.Osaka);
        Assert.True(await store.PruneFeedAsync(DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds()) > 0);

        var gone = await osaka.GetAsync($"/api/changes?since={old}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Contains("since=now", (await gone.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var fresh = await osaka.GetJsonAsync("/api/changes?since=now");
        Assert.Empty(fresh.GetProperty("changes").EnumerateArray());
        await osaka.CreatePortfolioAsync();
        Assert.NotEmpty((await osaka.GetJsonAsync($"/api/changes?since={fresh.GetProperty("next").GetString()}")).GetProperty("changes").EnumerateArray());
    }

    [SkippableFact]
    public async Task A_long_poll_waits_for_the_next_change_and_answers_with_it()
    {
        using var frank = host.Client(KnownRegions.Osaka, TestTokens.For("feed-frank"));
        var now = (await frank.GetJsonAsync("/api/changes?since=now")).GetProperty("next").GetString();

        // Nothing of frank's happens: the wait runs out and the answer is empty (its token past other users' changes, if any).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var idle = await frank.GetJsonAsync($"/api/changes?since={now}&wait=1");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"it waited ({clock.Elapsed})");
        Assert.Empty(idle.GetProperty("changes").EnumerateArray());
        Assert.True(Seq(idle.GetProperty("next").GetString()!) >= Seq(now!), "the token never goes back");

        var waiting = frank.GetJsonAsync($"/api/changes?since={now}&wait=30");
        var portfolio = await frank.CreatePortfolioAsync();
        var answer = await waiting;
        Assert.Equal(portfolio, answer.GetProperty("changes").EnumerateArray().First().GetProperty("entityId").GetString());
    }

    [SkippableFact]
    public async Task Server_sent_events_resume_after_the_last_event_id()
    {
        using var grace = host.Client(KnownRegions.Seoul, TestTokens.For("feed-grace"));
        var portfolio = await grace.CreatePortfolioAsync();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await grace.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 1 })).StatusCode);
        }

        var first = await EventsAsync(grace, null, 4);
        Assert.All(first, e => Assert.Equal("change", e.EventType));
        Assert.Equal(portfolio, JsonDocument.Parse(first[0].Data).RootElement.GetProperty("entityId").GetString());
        Assert.Equal(first.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("token").GetString()), first.Select(e => e.EventId));

        // A client that lost the stream after the second event reconnects with its id: the stream goes on from the third.
        var resumed = await EventsAsync(grace, first[1].EventId, 2);
        Assert.Equal(first.Skip(2).Select(e => e.EventId), resumed.Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_snapshot_in_pages_then_the_feed_from_its_token_miss_nothing_and_show_only_the_callers()
    {
        using var kim = host.Client(KnownRegions.Osaka, TestTokens.For("feed-kim"));
        var portfolio = await kim.CreatePortfolioAsync();
        Assert.Equal(HttpStatusCode.Created, (await kim.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 1 })).StatusCode);

        var states = new List<JsonElement>();
        string? token = null, cursor = null;
        do
        {
            var page = await kim.GetJsonAsync("/api/changes/snapshot?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            token ??= page.GetProperty("token").GetString();
            states.AddRange(page.GetProperty("states").EnumerateArray());
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["Order", "Portfolio", "Position", "Trade"], states.Select(s => s.GetProperty("entityType").GetString()).Order(StringComparer.Ordinal));
        Assert.All(states, s => Assert.Equal(portfolio, s.GetProperty("portfolioId").GetString()));
        foreach (var state in states)
        {
            var stored = await host.Store(KnownRegions.Osaka).ReadAsync(Enum.Parse<EntityType>(state.GetProperty("entityType").GetString()!), state.GetProperty("entityId").GetString()!);
            Assert.Equal(stored!.Vector.ToString(), state.GetProperty("vector").GetString());
        }

        var second = await (await kim.PostAsJsonAsync($"/api/portfolios/{portfolio}/orders", new { symbol = "SOL", side = "Buy", kind = "Market", quantity = 1 })).JsonAsync();
        var after = (await kim.GetJsonAsync($"/api/changes?since={token}")).GetProperty("changes").EnumerateArray();
        Assert.Contains(after, c => c.GetProperty("entityId").GetString() == second.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await kim.GetAsync("/api/changes/snapshot?cursor=Nope/x")).StatusCode);
    }

    [SkippableFact]
    public async Task A_consumer_group_stores_its_token_reads_it_back_with_how_far_behind_it_is_and_is_reported_stuck()
    {
        using var heidi = host.Client(KnownRegions.Nyc, TestTokens.For("feed-heidi"));
        using var ivan = host.Client(KnownRegions.Nyc, TestTokens.For("feed-ivan"));
        await heidi.CreatePortfolioAsync();
        var token = (await heidi.GetJsonAsync("/api/changes")).GetProperty("next").GetString();
        var stored = await heidi.PutAsJsonAsync("/api/changes/checkpoints/loader", new { token });
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(token, (await stored.JsonAsync()).GetProperty("token").GetString());

        await heidi.CreatePortfolioAsync(); // the feed moves on; the group does not
        var behind = await heidi.GetJsonAsync("/api/changes/checkpoints/loader");
        Assert.Equal(token, behind.GetProperty("token").GetString());
        Assert.True(behind.GetProperty("behindChanges").GetInt64() >= 1);
        await Eventually.WaitUntilAsync(async () => (await heidi.GetJsonAsync("/api/changes/checkpoints/loader")).GetProperty("stuck").GetBoolean(),
            "a group behind that has not moved for FeedStuckAfter (2 s here) is reported stuck");
        Assert.Contains((await heidi.GetJsonAsync("/api/changes/checkpoints")).EnumerateArray(), g => g.GetProperty("group").GetString() == "loader");

        // Groups are their user's: another user's group of the same name is another group.
        Assert.Equal(HttpStatusCode.NotFound, (await ivan.GetAsync("/api/changes/checkpoints/loader")).StatusCode);
        Assert.Empty((await ivan.GetJsonAsync("/api/changes/checkpoints")).EnumerateArray());

        var latest = (await heidi.GetJsonAsync("/api/changes?since=now")).GetProperty("next").GetString()!;
        foreach (var bad in new object[] { new { }, new { token = "yesterday" }, new { token = "osaka.1" }, new { token = $"nyc.{Seq(latest) + 1000}" } })
        {
            var refused = await heidi.PutAsJsonAsync("/api/changes/checkpoints/loader", bad);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        Assert.Equal(token, (await heidi.GetJsonAsync("/api/changes/checkpoints/loader")).GetProperty("token").GetString()); // nothing of those stored
        var moved = await heidi.PutAsJsonAsync("/api/changes/checkpoints/loader", new { token = latest });
        Assert.False((await moved.JsonAsync()).GetProperty("stuck").GetBoolean());
    }

    [SkippableFact]
    public async Task Haunt_changes_prints_the_feed_and_the_next_run_resumes_after_the_last_change_printed()
    {
        using var judy = host.Client(KnownRegions.Seoul, TestTokens.For("feed-judy"));
        var first = await judy.CreatePortfolioAsync();
        var state = Path.Combine(Path.GetTempPath(), $"haunt-changes-{Guid.NewGuid():N}.token");
        try
        {
            var (code, printed, error) = await ChangesCommandAsync(state);
            Assert.True(code == 0, error);
            Assert.Contains(first, printed, StringComparison.Ordinal);
            Assert.StartsWith($"{KnownRegions.Seoul}.", await File.ReadAllTextAsync(state), StringComparison.Ordinal);

            var second = await judy.CreatePortfolioAsync();
            (code, printed, error) = await ChangesCommandAsync(state);
            Assert.True(code == 0, error);
            Assert.Contains(second, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(first, printed, StringComparison.Ordinal); // resumed after what the first run printed
        }
        finally
        {
            File.Delete(state);
        }
    }

    /// <summary>`haunt changes` against seoul as feed-judy, keeping its token in <paramref name="state"/>: exit code, what it printed, its errors.</summary>
    private async Task<(int Code, string Output, string Error)> ChangesCommandAsync(string state)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var root = new System.CommandLine.RootCommand { Haunt.Silo.Cli.ChangesCommand.Create(output, error) };
        string[] args = ["changes", "--region", KnownRegions.Seoul, "--api", host.Urls[KnownRegions.Seoul].ToString(), "--token", TestTokens.For("feed-judy"), "--state-file", state];
        var code = await root.Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static long Seq(string token) => long.Parse(token[(token.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first <paramref name="count"/> change events of a server-sent event stream of the feed.</summary>
    private static async Task<List<System.Net.ServerSentEvents.SseItem<string>>> EventsAsync(HttpClient http, string? lastEventId, int count)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var events = new List<System.Net.ServerSentEvents.SseItem<string>>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(timeout.Token))
        {
            if (item.EventType == "change")
            {
                events.Add(item);
            }

            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private static (string Type, string Id, string Operation, string Vector, string Origin, bool Deleted) Version(JsonElement change) => (
        change.GetProperty("entityType").GetString()!, change.GetProperty("entityId").GetString()!, change.GetProperty("operation").GetString()!,
        change.GetProperty("vector").GetString()!, change.GetProperty("origin").GetString()!, change.GetProperty("deleted").GetBoolean());
}
