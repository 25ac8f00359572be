using System.Net;
using System.Net.Http.Json;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteStrategyApiTests(SqliteApiHost host) : StrategyApiTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresStrategyApiTests(PostgresApiHost host) : StrategyApiTests(host);

/// <summary>A portfolio's strategies over real HTTP: written with their document, replicated, the owner's only, bad bodies refused with nothing written.</summary>
public abstract class StrategyApiTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    private static object Body(StrategyDocument? document, string name = "mean reversion") =>
        new { name, parameters = "{\"window\":20}", enabled = true, document };

    [SkippableFact]
    public async Task A_strategy_with_its_document_is_written_read_and_replicated_byte_for_byte()
    {
        using var alice = host.Client(KnownRegions.Osaka, TestTokens.For("alice"));
        var portfolio = await alice.CreatePortfolioAsync();
        var strategyId = Guid.CreateVersion7().ToString("N");
        var random = new Random(3);
        var deltasBefore = await DeltasSentAsync(KnownRegions.Osaka);
        var document = StrategyDocument.Start("ETH", 3000m, DateTimeOffset.UtcNow, random);
        for (var tick = 0; tick < 3; tick++)
        {
            var put = await alice.PutAsJsonAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", Body(document), StateJson.Options);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            document = document.Observe(3001m + tick, DateTimeOffset.UtcNow, random);
        }

        var read = await alice.GetJsonAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}");
        Assert.Equal(StrategyDocument.WindowLength, read.GetProperty("document").GetProperty("window").GetArrayLength());
        var written = (await host.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, strategyId))!;
        Assert.True(written.Payload.Length > 6000, $"the document is several KB ({written.Payload.Length} bytes)");
        Assert.Equal(portfolio, written.PortfolioId);
        await Eventually.WaitUntilAsync(async () => await host.Store(KnownRegions.Nyc).ReadAsync(EntityType.Strategy, strategyId) is { } there && there.Payload == written.Payload,
            "nyc holds the strategy's bytes");

        // The two updates went to both peers as deltas, and health says so.
        await Eventually.WaitUntilAsync(async () => await DeltasSentAsync(KnownRegions.Osaka) >= deltasBefore + 4, "osaka's health counts the deltas it sent");
    }

    private async Task<long> DeltasSentAsync(string region) =>
        (await host.Http[region].GetJsonAsync("/api/sync/health")).GetProperty("deltas").GetProperty("sent").GetInt64();

    [SkippableFact]
    public async Task Another_user_neither_reads_nor_overwrites_a_strategy()
    {
        using var alice = host.Client(KnownRegions.Osaka, TestTokens.For("alice"));
        using var mallory = host.Client(KnownRegions.Osaka, TestTokens.For("mallory"));
        var portfolio = await alice.CreatePortfolioAsync();
        var theirs = await mallory.CreatePortfolioAsync();
        var strategyId = Guid.CreateVersion7().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await alice.PutAsJsonAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", Body(null))).StatusCode);
        var before = await host.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, strategyId);

        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.PutAsJsonAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", Body(null, "taken"), StateJson.Options)).StatusCode);
        // Through a portfolio of their own: the grain finds the strategy belongs to someone else's portfolio.
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.PutAsJsonAsync($"/api/portfolios/{theirs}/strategies/{strategyId}", Body(null, "taken"), StateJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/api/portfolios/{theirs}/strategies/{strategyId}")).StatusCode);
        Assert.Equal(before, await host.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, strategyId));
    }

    [SkippableTheory]
    [InlineData("{\"parameters\":\"{}\",\"enabled\":true}", "name")]
    [InlineData("{\"name\":\"x\",\"parameters\":\"{}\"}", "enabled")]
    [InlineData("{\"name\":\"x\",\"enabled\":true,\"document\":{\"symbol\":\"NOPE\",\"settings\":{},\"window\":[],\"signals\":[],\"model\":[],\"ticks\":1}}", "document.symbol")]
    [InlineData("{\"name\":\"x\",\"enabled\":true,\"document\":{\"symbol\":\"ETH\",\"settings\":{},\"window\":[],\"signals\":[{\"at\":\"2026-01-01T00:00:00Z\",\"side\":\"Sideways\",\"price\":1,\"score\":1}],\"model\":[],\"ticks\":1}}", null)]
    [InlineData("{\"name\":\"x\",\"enabled\":true,\"document\":{\"symbol\":\"ETH\",\"settings\":{},\"window\":[],\"signals\":[],\"ticks\":1}}", "document.model")]
    public async Task A_bad_body_is_refused_and_nothing_is_written(string json, string? field)
    {
        using var alice = host.Client(KnownRegions.Osaka, TestTokens.For("alice"));
        var portfolio = await alice.CreatePortfolioAsync();
        var strategyId = Guid.CreateVersion7().ToString("N");
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var answer = await alice.PutAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", content);

        // A field out of range: 422 naming it; a value the JSON cannot bind (an unknown side): 400.
        Assert.Equal(field is null ? HttpStatusCode.BadRequest : HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True((await answer.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}");
        }

        Assert.Null(await host.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, strategyId));
    }

    [SkippableFact]
    public async Task A_document_past_the_body_limit_is_refused_with_413()
    {
        using var alice = host.Client(KnownRegions.Osaka, TestTokens.For("alice"));
        var portfolio = await alice.CreatePortfolioAsync();
        var strategyId = Guid.CreateVersion7().ToString("N");
        var huge = StrategyDocument.Start("ETH", 3000m, DateTimeOffset.UtcNow, new Random(1)) with { Model = [.. Enumerable.Repeat(0.123456789m, 5500)] };
        var json = StateJson.Serialize(Body(huge), typeof(object));
        Assert.InRange(json.Length, 64 * 1024 + 1, 80 * 1024); // just past the API's body limit, and sent with its length
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var answer = await alice.PutAsync($"/api/portfolios/{portfolio}/strategies/{strategyId}", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Null(await host.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, strategyId));
    }
}
