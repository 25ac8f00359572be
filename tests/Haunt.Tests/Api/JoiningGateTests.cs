using System.Net.Http.Json;
using System.Net;
using Haunt.Silo.Hosting;
using Haunt.Tests.Cluster;
using Haunt.Tests.Processes;
using Microsoft.AspNetCore.Builder;

namespace Haunt.Tests.Api;

/// <summary>
/// A region started to be added (Haunt:Join) and not admitted: its silo, with its real HTTP API, serves no trading
/// call (503 "Joining, retry", never what it holds so far) and says it is joining; the sync API stays open. Its peers
/// are ports nobody listens on, so it stays unadmitted for the whole test.
/// </summary>
public sealed class JoiningGateTests : IAsyncLifetime
{
    private const string Newcomer = "frankfurt";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "haunt-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _silo;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var regions = new RegionSet([.. KnownRegions.All, Newcomer]);
        var endpoints = new SiloEndpoints(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort());
        var peers = regions.PeersOf(Newcomer).ToDictionary(p => p,
            _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, SiloProcess.FreePort())]);
        var settings = LocalSiloSettings.For(Newcomer, _data, endpoints, HauntSiloConfigurator.ClusterKey, peers, TestTokens.Settings, regions: regions);
        settings["Haunt:Join"] = "true";
        _silo = await RegionalSilo.BuildAsync(settings.ToConfiguration());
        await _silo.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(endpoints.ApiUrl(false)) }.WithToken(TestTokens.For("dora", Haunt.Silo.Security.HauntPolicies.OperatorRole));
    }

    [Fact]
    public async Task A_joining_region_answers_every_trading_call_503_joining_and_says_so_in_health()
    {
        using var read = await _http.GetAsync("/api/portfolios/p-1");
        using var write = await _http.PostAsJsonAsync("/api/portfolios", new { startingCash = 100m });

        foreach (var refused in new[] { read, write })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Joining, retry", (await refused.JsonAsync()).GetProperty("title").GetString());
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        }

        var health = await _http.GetJsonAsync("/api/sync/health");
        Assert.Equal("joining", health.GetProperty("status").GetString());
        Assert.Equal("awaiting admission", health.GetProperty("join").GetProperty("phase").GetString());
        Assert.Equal(0, health.GetProperty("membershipVersion").GetInt64());
        var membership = await _http.GetJsonAsync("/api/sync/membership");
        Assert.False(membership.GetProperty("serving").GetBoolean());
        // Nothing was stored: not a portfolio, not even a membership (it has none until admitted).
        var store = _silo!.Services.GetRequiredService<IRegionalStore>();
        Assert.Null(await store.MembershipAsync());
        Assert.Equal(0, (await store.DigestAsync()).Entities);
    }

    // A load balancer keeps traffic off it: alive, not ready, and says why (no token needed for either probe).
    [Fact]
    public async Task A_joining_region_is_live_but_not_ready()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        using var live = await anonymous.GetAsync("/healthz");
        using var ready = await anonymous.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.JsonAsync();
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("joining the deployment", body.GetProperty("reason").GetString());
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
        }

        DataFolder.Delete(_data);
    }
}
