using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteApiTests(SqliteApiHost host) : ApiTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresApiTests(PostgresApiHost host) : ApiTests(host);

/// <summary>
/// The sync endpoints, the OpenAPI document, its UI and the dashboard over real HTTP in each region (health in
/// <see cref="HealthTests"/>, the outbox and conflict log in <see cref="QueueAndConflictsTests"/>).
/// </summary>
public abstract class ApiTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    [SkippableFact]
    public async Task A_cut_peer_is_reported_unreachable_by_convergence_and_forwarded_writes_fail_fast_naming_it()
    {
        var osaka = host.Http[KnownRegions.Osaka];
        var portfolio = await osaka.CreatePortfolioAsync();
        await Eventually.WaitUntilAsync(async () => (await host.Http[KnownRegions.Seoul].GetAsync($"/api/portfolios/{portfolio}")).IsSuccessStatusCode,
            "the portfolio reached seoul");
        host.Cut(KnownRegions.Osaka, KnownRegions.Seoul);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var convergence = await osaka.GetJsonAsync("/api/sync/convergence");
            var order = await host.Http[KnownRegions.Seoul].PostAsJsonAsync($"/api/portfolios/{portfolio}/orders",
                new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 0.01 });

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
            Assert.False(convergence.GetProperty("converged").GetBoolean());
            Assert.Equal([KnownRegions.Seoul], convergence.GetProperty("unreachable").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, order.StatusCode);
            Assert.Equal("Region 'osaka' unavailable", (await order.JsonAsync()).GetProperty("title").GetString());
        }
        finally
        {
            host.HealAll();
        }

        Assert.Equal(0, (await osaka.GetJsonAsync($"/api/portfolios/{portfolio}/trades")).GetArrayLength());
    }

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Metrics_rows_are_recorded_and_served_as_json_objects(string region)
    {
        var http = host.Http[region];
        await Eventually.WaitUntilAsync(async () => (await http.GetJsonAsync("/api/sync/metrics?since=0")).GetArrayLength() > 0, $"{region} recorded metrics");

        var row = (await http.GetJsonAsync("/api/sync/metrics?since=0"))[0];
        Assert.Equal(region, row.GetProperty("region").GetString());
        Assert.True(row.GetProperty("metrics").TryGetProperty("lagP99Ms", out _));
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        Assert.Equal(0, (await http.GetJsonAsync($"/api/sync/metrics?since={future}")).GetArrayLength());
    }

    [SkippableFact]
    public async Task Reconcile_asked_again_within_the_interval_gets_the_round_already_started()
    {
        var http = host.Http[KnownRegions.Seoul];

        using var first = await http.PostAsync("/api/sync/reconcile", null);
        using var second = await http.PostAsync("/api/sync/reconcile", null);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        var (a, b) = (await first.JsonAsync(), await second.JsonAsync());
        Assert.True(b.GetProperty("coalesced").GetBoolean(), "a second round started within Haunt:Sync:MinReconcileInterval");
        Assert.Equal(a.GetProperty("roundId").GetInt64(), b.GetProperty("roundId").GetInt64());
    }

    // Every region keeps the membership record in its store: a new deployment's is its configured set, version 1.
    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Membership_is_the_configured_set_at_version_1_and_kept_in_the_store(string region)
    {
        var membership = await host.Http[region].GetJsonAsync("/api/sync/membership");

        var current = membership.GetProperty("current");
        Assert.Equal(1, current.GetProperty("version").GetInt64());
        Assert.Equal(KnownRegions.All, current.GetProperty("regions").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(KnownRegions.Osaka, current.GetProperty("primary").GetString());
        Assert.True(membership.GetProperty("serving").GetBoolean());
        Assert.Equal(JsonValueKind.Null, membership.GetProperty("inProgress").ValueKind);
        var stored = await host.Store(region).MembershipAsync();
        Assert.Equal(1, stored!.Membership.Version);
    }

    // A change that makes no sense is refused before anything is proposed: the membership stays at version 1.
    [SkippableTheory]
    [InlineData("seoul", "127.0.0.1:30001", "region")]
    [InlineData("Berlin!", "127.0.0.1:30001", "region")]
    [InlineData("berlin", "berlin:30001", "gateways")]
    [InlineData("berlin", null, "gateways")]
    public async Task Adding_a_region_that_is_a_member_or_malformed_is_422_and_changes_nothing(string region, string? gateway, string field)
    {
        var http = host.Http[KnownRegions.Seoul];
        using var refused = await http.PostAsJsonAsync("/api/sync/membership/regions", new { region, gateways = gateway is null ? null : new[] { gateway } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"names {field}");
        Assert.Equal(1, (await http.GetJsonAsync("/api/sync/membership")).GetProperty("current").GetProperty("version").GetInt64());
    }

    // Issue 25, item 4: the probes answer without a token; a serving region is ready.
    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Nyc)]
    public async Task The_liveness_and_readiness_probes_answer_anonymously_and_a_serving_region_is_ready(string region)
    {
        using var anonymous = new HttpClient { BaseAddress = host.Urls[region] };
        foreach (var probe in new[] { "/healthz", "/readyz" })
        {
            using var response = await anonymous.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", (await response.JsonAsync()).GetProperty("status").GetString());
        }

        using var detailed = await anonymous.GetAsync("/api/sync/health");
        Assert.Equal(HttpStatusCode.Unauthorized, detailed.StatusCode); // the detailed health stays behind the door
    }

    // A removal that makes no sense is refused before anything is proposed: the primary, a region that is no member,
    // a malformed name, a new home that is the region itself or no member.
    [SkippableTheory]
    [InlineData("osaka", null, "region")]
    [InlineData("berlin", null, "region")]
    [InlineData("Nyc!", null, "region")]
    [InlineData("nyc", "nyc", "region")]
    [InlineData("nyc", "berlin", "region")]
    [InlineData("nyc", "Seoul!", "home")]
    public async Task Removing_the_primary_a_non_member_or_to_a_bad_home_is_422_and_changes_nothing(string region, string? home, string field)
    {
        var http = host.Http[KnownRegions.Seoul];
        using var refused = await http.DeleteAsync($"/api/sync/membership/regions/{Uri.EscapeDataString(region)}" + (home is null ? "" : $"?home={Uri.EscapeDataString(home)}"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"names {field}");
        var membership = await http.GetJsonAsync("/api/sync/membership");
        Assert.Equal(1, membership.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, membership.GetProperty("inProgress").ValueKind);
    }

    // The operator's command goes through the same endpoint and says why it was refused.
    [SkippableFact]
    public async Task Region_remove_of_the_primary_exits_1_with_the_apis_reason()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var root = new System.CommandLine.RootCommand { Haunt.Silo.Cli.RegionCommand.Create(output, error) };
        string[] args = ["region", "remove", KnownRegions.Osaka, "--api", host.Urls[KnownRegions.Seoul].ToString(),
            "--token", TestTokens.For("ops", Haunt.Silo.Security.HauntPolicies.OperatorRole)];

        var code = await root.Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.True(code == 1, error.ToString());
        Assert.True(error.ToString().Contains("422", StringComparison.Ordinal), error.ToString());
        Assert.Contains("primary", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    // The operator's command goes through the same endpoint and says why it was refused.
    [SkippableFact]
    public async Task Region_add_of_a_member_exits_1_with_the_apis_reason()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var root = new System.CommandLine.RootCommand { Haunt.Silo.Cli.RegionCommand.Create(output, error) };
        string[] args = ["region", "add", KnownRegions.Nyc, "--gateway", "127.0.0.1:30002", "--api", host.Urls[KnownRegions.Osaka].ToString(),
            "--token", TestTokens.For("ops", Haunt.Silo.Security.HauntPolicies.OperatorRole)];

        var code = await root.Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.True(code == 1, error.ToString());
        Assert.True(error.ToString().Contains("422", StringComparison.Ordinal), error.ToString());
        Assert.Contains("already a region", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Digest_convergence_and_reconcile_answer(string region)
    {
        var http = host.Http[region];
        var digest = await http.GetJsonAsync("/api/sync/digest");
        Assert.Equal(region, digest.GetProperty("region").GetString());
        Assert.Equal(13, digest.GetProperty("perType").EnumerateObject().Count());

        var reconcile = await http.PostAsync("/api/sync/reconcile", null);
        Assert.Equal(HttpStatusCode.Accepted, reconcile.StatusCode);
        Assert.Equal(2, (await reconcile.JsonAsync()).GetProperty("peers").GetArrayLength());

        // Other tests of this collection write in osaka: wait until the regions agree, then all three digests are named.
        JsonElement convergence = default;
        await Eventually.WaitUntilAsync(async () => (convergence = await http.GetJsonAsync("/api/sync/convergence")).GetProperty("converged").GetBoolean(),
            "the three regions converged");
        Assert.Equal(KnownRegions.All.Order(), convergence.GetProperty("regions").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(0, convergence.GetProperty("differingTypes").GetArrayLength());
    }

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Dashboard_openapi_and_its_ui_answer_200_in_each_region(string region)
    {
        var http = host.Http[region];
        var openApi = await http.GetJsonAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/sync/health", "/api/sync/convergence", "/api/portfolios", "/api/portfolios/{id}/orders", "/api/orders/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        // Typed results and the documented exception mappings show up as responses of the operation.
        var placeOrder = paths.GetProperty("/api/portfolios/{id}/orders").GetProperty("post").GetProperty("responses");
        Assert.Equal(["201", "404", "409", "422", "503"], placeOrder.EnumerateObject().Select(r => r.Name).Where(s => s != "400").Order());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/scalar/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/")).StatusCode);
    }
}
