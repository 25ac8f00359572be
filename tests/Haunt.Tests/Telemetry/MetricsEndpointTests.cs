using System.Net;
using System.Net.Http.Json;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Telemetry;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteMetricsEndpointTests(SqliteApiHost host) : MetricsEndpointTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresMetricsEndpointTests(PostgresApiHost host) : MetricsEndpointTests(host);

/// <summary>
/// Issue 25: each silo's Prometheus scrape endpoint (real regions, real HTTP) shows the replication per region pair,
/// agrees with what the console reads, and is reachable on its own port only.
/// </summary>
public abstract class MetricsEndpointTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    private const string Applied = "haunt_sync_changes_applied_total";
    private const string Sent = "haunt_sync_changes_sent_total";
    private const string LagCount = "haunt_sync_lag_milliseconds_count";

    private async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(string region)
    {
        using var anonymous = host.Client(region, token: null);
        var response = await anonymous.GetAsync(host.MetricsUrls[region]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Writes_in_two_regions_show_in_the_third_regions_scrape_as_lag_and_changes_per_region_pair()
    {
        var (osaka, seoul, nyc) = (KnownRegions.Osaka, KnownRegions.Seoul, KnownRegions.Nyc);
        var seoulBefore = await ScrapeAsync(seoul);
        var osakaBefore = await ScrapeAsync(osaka);
        var ids = new[] { await host.Http[osaka].CreatePortfolioAsync(), await host.Http[nyc].CreatePortfolioAsync() };
        await Eventually.WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(id => host.Http[seoul].GetAsync($"/api/portfolios/{id}")))).All(r => r.IsSuccessStatusCode),
            "both portfolios reached seoul");

        IReadOnlyList<PrometheusSample> atSeoul = [], atOsaka = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            (atSeoul, atOsaka) = (await ScrapeAsync(seoul), await ScrapeAsync(osaka));
            return new[] { osaka, nyc }.All(origin => Grew(seoulBefore, atSeoul, Applied, seoul, origin, seoul) && Grew(seoulBefore, atSeoul, LagCount, seoul, origin, seoul))
                && Grew(osakaBefore, atOsaka, Sent, osaka, osaka, seoul);
        }, "seoul's scrape shows a change applied and its lag from osaka and from nyc, osaka's one acked by seoul");

        // Every pair of the region is there, under the region that reports it and no other (several silos share this process).
        foreach (var peer in KnownRegions.PeersOf(osaka))
        {
            Assert.Single(atOsaka, s => s.Name == "haunt_sync_backlog_rows" && s["region"] == osaka && s["origin"] == osaka && s["destination"] == peer);
            var states = atOsaka.Where(s => s.Name == "haunt_sync_link_state" && s["region"] == osaka && s["destination"] == peer).ToList();
            Assert.Equal(["idle", "retrying", "sending"], states.Select(s => s["state"]).Order());
            Assert.Equal(1, states.Sum(s => s.Value));
        }

        Assert.All(atOsaka.Where(s => s.Name.StartsWith("haunt_sync_", StringComparison.Ordinal)), s => Assert.Equal(osaka, s["region"]));
        Assert.Contains(atOsaka, s => s.Name.StartsWith("http_server_request_duration", StringComparison.Ordinal)); // ASP.NET Core's
        Assert.Contains(atOsaka, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal)); // the runtime's
    }

    [SkippableFact]
    public async Task The_scrape_and_the_health_the_console_reads_agree_on_changes_applied()
    {
        var (osaka, seoul) = (KnownRegions.Osaka, KnownRegions.Seoul);
        var id = await host.Http[osaka].CreatePortfolioAsync();
        await Eventually.WaitUntilAsync(async () => (await host.Http[seoul].GetAsync($"/api/portfolios/{id}")).IsSuccessStatusCode, "the portfolio reached seoul");

        // The health is what the sync loop last published (at most Haunt:Sync:StatusInterval old): wait until both
        // read the same total once the write stopped moving them.
        (double Scraped, long Health) last = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            var scraped = (await ScrapeAsync(seoul)).Where(s => s.Name == Applied && s["region"] == seoul).Sum(s => s.Value);
            var health = (await host.Http[seoul].GetJsonAsync("/api/sync/health")).GetProperty("changesApplied").GetInt64();
            last = (scraped, health);
            return health > 0 && scraped == health;
        }, $"seoul's changes applied per origin add up to its health's total (last: scraped {last.Scraped}, health {last.Health})");
    }

    [SkippableFact]
    public async Task A_stuck_consumer_group_shows_in_the_scrape_in_health_and_in_the_overview_alike()
    {
        var osaka = KnownRegions.Osaka;
        using var reader = host.Client(osaka, TestTokens.For($"feed-metrics-{Guid.NewGuid():N}"));
        var before = (await host.Http[osaka].GetJsonAsync("/api/sync/health")).GetProperty("feed");
        var token = (await reader.GetJsonAsync("/api/changes?since=now")).GetProperty("next").GetString();
        Assert.Equal(HttpStatusCode.OK, (await reader.PutAsJsonAsync("/api/changes/checkpoints/audit", new { token })).StatusCode);
        await reader.CreatePortfolioAsync(); // the feed moves on; the group does not

        // Stuck after FeedStuckAfter (2 s here); the gauges follow every MetricsInterval, health every StatusInterval.
        var groups = before.GetProperty("groups").GetInt64() + 1;
        var stuck = before.GetProperty("stuck").GetInt64() + 1;
        string seen = "";
        await Eventually.WaitUntilAsync(async () =>
        {
            var health = (await host.Http[osaka].GetJsonAsync("/api/sync/health")).GetProperty("feed");
            var overview = (await host.Http[osaka].GetJsonAsync("/api/sync/overview")).GetProperty("regions").EnumerateArray()
                .Single(r => r.GetProperty("region").GetString() == osaka).GetProperty("feed");
            var scrape = (await ScrapeAsync(osaka)).Where(s => s["region"] == osaka).ToList();
            double Gauge(string name) => scrape.SingleOrDefault(s => s.Name == name)?.Value ?? -1;
            seen = $"health {health}, overview {overview}, scrape groups {Gauge("haunt_feed_consumer_groups")} stuck {Gauge("haunt_feed_consumer_groups_stuck")} " +
                $"lag {Gauge("haunt_feed_consumer_lag")} changes";
            return new[] { health, overview }.All(f => f.GetProperty("groups").GetInt64() == groups && f.GetProperty("stuck").GetInt64() >= stuck
                    && f.GetProperty("maxBehindChanges").GetInt64() >= 1 && f.GetProperty("maxBehindSeconds").GetDouble() > 0)
                && Gauge("haunt_feed_consumer_groups") == groups && Gauge("haunt_feed_consumer_groups_stuck") >= stuck && Gauge("haunt_feed_consumer_lag") >= 1
                && Gauge("haunt_feed_consumer_lag_age_seconds") > 0;
        }, $"one more consumer group, stuck and behind, in osaka's health, overview and scrape (last: {seen})");
    }

    [SkippableFact]
    public async Task Metrics_are_served_on_their_own_port_only_and_nothing_else_is()
    {
        var region = KnownRegions.Osaka;
        var metrics = host.MetricsUrls[region];
        using var anonymous = host.Client(region, token: null);
        using var operatorClient = host.Client(region, null).AsOperator();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(metrics)).StatusCode);
        // Nothing of the API through the metrics port, not even with a token.
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync(new Uri(metrics, "/api/sync/health"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(metrics, "/healthz"))).StatusCode);
        // No metrics through the API port: refused without a token, not there with one.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/metrics")).StatusCode);
        // The port decides, not the Host header a caller writes.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{metrics.Port}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(spoofed)).StatusCode);
    }

    private static bool Grew(IReadOnlyList<PrometheusSample> before, IReadOnlyList<PrometheusSample> after, string name, string region, string origin, string destination) =>
        after.Pair(name, region, origin, destination) > before.Pair(name, region, origin, destination);
}
