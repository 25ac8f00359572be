using System.Net;
using Haunt.Silo.Hosting;
using Haunt.Tests.Cluster;
using Haunt.Tests.Processes;
using Microsoft.AspNetCore.Builder;

namespace Haunt.Tests.Api;

/// <summary>
/// Issue 25, item 4, at shutdown: once a silo is told to stop, /readyz says 503 "stopping" (a load balancer takes it
/// out before it goes) while /healthz still says the process answers. Asked from the stopping notification itself —
/// it runs before any hosted service stops, so the HTTP server still answers — not by racing the shutdown.
/// </summary>
public sealed class ShutdownProbeTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "haunt-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _silo;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        var endpoints = new SiloEndpoints(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort());
        // The peers are ports nobody listens on: this test is about one silo's own probes.
        var peers = KnownRegions.PeersOf(KnownRegions.Osaka).ToDictionary(p => p,
            _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, SiloProcess.FreePort())]);
        var settings = LocalSiloSettings.For(KnownRegions.Osaka, _data, endpoints, HauntSiloConfigurator.ClusterKey, peers, TestTokens.Settings);
        _silo = await RegionalSilo.BuildAsync(settings.ToConfiguration());
        await _silo.StartAsync();
        _anonymous = new HttpClient { BaseAddress = new Uri(endpoints.ApiUrl(false)) };
    }

    [Fact]
    public async Task A_stopping_silo_is_live_but_not_ready()
    {
        await Eventually.WaitUntilAsync(async () => (await _anonymous.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "the started silo is ready");
        (HttpStatusCode Status, string Body)? live = null, ready = null;
        _silo!.Lifetime.ApplicationStopping.Register(() =>
        {
            live = Probe("/healthz");
            ready = Probe("/readyz");
        });

        await _silo.StopAsync();

        Assert.Equal(HttpStatusCode.OK, live?.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready?.Status);
        Assert.Contains("\"reason\":\"stopping\"", ready?.Body, StringComparison.Ordinal);
    }

    /// <summary>A probe from inside the stopping notification, which is synchronous.</summary>
    private (HttpStatusCode, string) Probe(string path)
    {
        using var response = _anonymous.GetAsync(path).GetAwaiter().GetResult();
        return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    public async Task DisposeAsync()
    {
        _anonymous?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        DataFolder.Delete(_data);
    }
}
