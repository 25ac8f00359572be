using Microsoft.AspNetCore.Builder;
using Haunt.Silo.Hosting;
using Haunt.Tests.Cluster;
using Haunt.Tests.Processes;

namespace Haunt.Tests.Api;

/// <summary>
/// osaka, seoul and nyc as real silos with their co-hosted HTTP API on free loopback ports (Kestrel), started
/// one after another, on SQLite files in a temp folder; one HttpClient per region.
/// </summary>
public sealed class ApiHostFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "haunt-api-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, WebApplication> _silos = [];

    public Dictionary<string, HttpClient> Http { get; } = [];

    public IGrainFactory Grains => _silos[Region.Osaka].Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        var clusterId = $"api-{Guid.NewGuid():N}";
        var primarySiloPort = 0;
        foreach (var region in Region.All)
        {
            var (app, endpoints) = await StartAsync(region, clusterId, primarySiloPort);
            primarySiloPort = primarySiloPort == 0 ? endpoints.SiloPort : primarySiloPort;
            _silos[region] = app;
            Http[region] = new HttpClient { BaseAddress = new Uri(endpoints.HttpUrl) };
        }
    }

    // A port found free can be taken by a parallel test (the TestCluster picks its own) before the silo binds
    // it: try again on fresh ports rather than fail the whole collection.
    private async Task<(WebApplication App, SiloEndpoints Endpoints)> StartAsync(string region, string clusterId, int primarySiloPort)
    {
        for (var attempt = 1; ; attempt++)
        {
            var endpoints = new SiloEndpoints(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort());
            var app = RegionalSilo.Build(new RegionalSiloSettings(region, _data, endpoints, primarySiloPort == 0 ? endpoints.SiloPort : primarySiloPort,
                HauntSiloConfigurator.ClusterKey, ClusterId: clusterId,
                // node_metrics rows every second instead of every 10 s, so the metrics endpoint has rows to show.
                ConfigureSync: s => s.MetricsInterval = TimeSpan.FromSeconds(1)));
            try
            {
                await app.StartAsync();
                return (app, endpoints);
            }
            catch (Exception ex) when (attempt < 3 && ex is IOException or System.Net.Sockets.SocketException or OrleansException)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in Http.Values)
        {
            client.Dispose();
        }

        foreach (var app in _silos.Values.Reverse())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* in /tmp */ }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHostFixture>
{
    public const string Name = "api";
}

/// <summary>
/// A separate 3-region host for the bot run: resting limit orders keep filling after the bots stop, which
/// must not write into the API tests' regions while they check that bad input writes nothing.
/// </summary>
public sealed class BotHostFixture : IAsyncLifetime
{
    public ApiHostFixture Host { get; } = new();

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class BotCollection : ICollectionFixture<BotHostFixture>
{
    public const string Name = "bots";
}
