using System.Text.Json;
using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteHealthTests(SqliteApiHost host) : HealthTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresHealthTests(PostgresApiHost host) : HealthTests(host);

/// <summary>/api/sync/health after something happened that its figures must show.</summary>
public abstract class HealthTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    private static IEnumerable<JsonElement> Peers(JsonElement health) => health.GetProperty("peers").EnumerateArray();

    private static string Name(JsonElement peer) => peer.GetProperty("peer").GetString()!;

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Health_of_a_linked_region_is_healthy_once_both_peers_acked_its_latest_write(string region)
    {
        var http = host.Http[region];
        var watermarks = Peers(await http.GetJsonAsync("/api/sync/health")).ToDictionary(Name, p => p.GetProperty("watermark").GetInt64());
        await http.CreatePortfolioAsync(); // an outbox row for each peer, past what either has acked

        // Link states are those the sync loop last published (at most Haunt:Sync:StatusInterval old), the store's
        // figures are read now: wait until both say the write was acked.
        JsonElement health = default;
        await Eventually.WaitUntilAsync(async () => Peers(health = await http.GetJsonAsync("/api/sync/health"))
            .All(p => p.GetProperty("watermark").GetInt64() > watermarks[Name(p)] && p.GetProperty("backlogRows").GetInt64() == 0
                && p.GetProperty("linkState").GetString() == "idle" && p.GetProperty("status").GetString() == "healthy"),
            "both peers acked the new portfolio (watermark moved, backlog empty, link idle and healthy)");

        Assert.Equal(region, health.GetProperty("region").GetString());
        Assert.Equal($"haunt-{region}", health.GetProperty("cluster").GetString());
        var silo = Assert.Single(health.GetProperty("silos").EnumerateArray());
        Assert.Equal((region, "Active"), (silo.GetProperty("name").GetString(), silo.GetProperty("status").GetString()));
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(KnownRegions.PeersOf(region).Order(), Peers(health).Select(Name).Order());
        foreach (var peer in Peers(health))
        {
            Assert.Equal((Name(peer), "healthy", "idle"), (Name(peer), peer.GetProperty("status").GetString(), peer.GetProperty("linkState").GetString()));
            Assert.Equal(0, peer.GetProperty("backlogBytes").GetInt64());
            Assert.Equal(JsonValueKind.String, peer.GetProperty("lastAck").ValueKind);
            Assert.Equal(JsonValueKind.False, peer.GetProperty("needsSnapshot").ValueKind);
            Assert.True(peer.GetProperty("reachable").GetBoolean());
            Assert.Equal(JsonValueKind.Null, peer.GetProperty("unreachableSince").ValueKind);
        }
    }

    [SkippableFact]
    public async Task Health_lag_p99_shows_changes_held_400ms_on_the_link_in()
    {
        var delay = TimeSpan.FromMilliseconds(400);
        var seoul = host.Http[KnownRegions.Seoul];
        host.Fault(KnownRegions.Osaka, KnownRegions.Seoul, new LinkFault { MinDelay = delay, MaxDelay = delay });
        try
        {
            // Several late changes, so that they are the top percent of seoul's lag samples of the last 10 s.
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await host.Http[KnownRegions.Osaka].CreatePortfolioAsync());
            }

            await Eventually.WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(id => seoul.GetAsync($"/api/portfolios/{id}")))).All(r => r.IsSuccessStatusCode),
                "the portfolios reached seoul");
        }
        finally
        {
            host.HealAll();
        }

        // Health shows the status the sync loop last published (at most Haunt:Sync:StatusInterval old).
        double lag = 0;
        await Eventually.WaitUntilAsync(async () =>
        {
            lag = (await seoul.GetJsonAsync("/api/sync/health")).GetProperty("lagP99Ms").GetDouble();
            return lag >= delay.TotalMilliseconds;
        }, $"seoul's lag p99 (last {lag} ms) shows changes held {delay.TotalMilliseconds} ms on the way", TimeSpan.FromSeconds(5));
    }
}
