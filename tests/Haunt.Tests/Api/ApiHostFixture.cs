using Haunt.Grains.Sync;
using Microsoft.AspNetCore.Builder;
using Haunt.Silo.Hosting;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;
using Haunt.Tests.Processes;

namespace Haunt.Tests.Api;

/// <summary>
/// osaka, seoul and nyc as real silos with their co-hosted HTTP API on free loopback ports (Kestrel), started
/// one after another, on SQLite files in a temp folder or on region schemas in a fresh PostgreSQL database;
/// one HttpClient per region.
/// </summary>
public abstract class ApiHostFixture(StoreKind kind) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-api-tests-{Guid.NewGuid():N}");
    private readonly Dictionary<string, WebApplication> _silos = [];
    private string? _database;

    public StoreKind Kind { get; } = kind;

    /// <summary>Per region, a client acting as <see cref="TestTokens.User"/> with the operator role.</summary>
    public Dictionary<string, HttpClient> Http { get; } = [];

    public Dictionary<string, Uri> Urls { get; } = [];

    /// <summary>Each region's silo, gateway and HTTP ports.</summary>
    public Dictionary<string, SiloEndpoints> Endpoints { get; } = [];

    /// <summary>Each region's Prometheus scrape endpoint (on a port of its own; on in every API test, so that they all run with exporting on).</summary>
    public Dictionary<string, Uri> MetricsUrls { get; } = [];

    /// <summary>Whether the silos run with TLS on their APIs and Orleans connections (plain in most tests).</summary>
    protected virtual bool WithTls => false;

    /// <summary>The silos' certificate and CA under TLS (development certificates in the fixture's folder), else null.</summary>
    public Haunt.Grains.Peers.LinkTls? Tls { get; private set; }


    /// <summary>A new client of a region's API sending <paramref name="token"/> (none if null), trusting the silos' CA under TLS; the caller disposes it.</summary>
    public HttpClient Client(string region, string? token)
    {
        var http = new HttpClient(Handler()) { BaseAddress = Urls[region] };
        return token is null ? http : http.WithToken(token);
    }

    /// <summary>A client that, like a test of a browser's first request, neither follows redirects nor keeps cookies by itself.</summary>
    public HttpClient BareClient(string region)
    {
        var handler = Handler();
        (handler.AllowAutoRedirect, handler.UseCookies) = (false, false);
        return new HttpClient(handler) { BaseAddress = Urls[region] };
    }

    private SocketsHttpHandler Handler()
    {
        var handler = new SocketsHttpHandler();
        if (Tls is { } tls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 c && tls.ChainsToAuthority(c);
        }

        return handler;
    }

    /// <summary>Cuts both directions between two regions at the link seam (replication and forwarded calls).</summary>
    public void Cut(string a, string b)
    {
        _silos[a].Services.GetRequiredService<LinkFaults>().Set(a, b, LinkFault.Severed);
        _silos[b].Services.GetRequiredService<LinkFaults>().Set(b, a, LinkFault.Severed);
    }

    /// <summary>Sets a fault on the link from → to (on the sender's silo).</summary>
    public void Fault(string from, string to, LinkFault fault) =>
        _silos[from].Services.GetRequiredService<LinkFaults>().Set(from, to, fault);

    public void HealAll()
    {
        foreach (var app in _silos.Values)
        {
            app.Services.GetRequiredService<LinkFaults>().HealAll();
        }
    }

    /// <summary>A region's store, to read rows past the API.</summary>
    public IRegionalStore Store(string region) => _silos[region].Services.GetRequiredService<IRegionalStore>();

    /// <summary>A region's own silo's grain factory (each region is its own cluster).</summary>
    public IGrainFactory GrainsOf(string region) => _silos[region].Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        if (Kind == StoreKind.Postgres)
        {
            if (PostgresServer.Unavailable is not null)
            {
                return; // the tests report the reason as skipped
            }

            _database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }

        if (WithTls)
        {
            // One CA; each region's silo its own certificate naming the region (the door pins connections to it).
            Tls = TlsFilesOf(KnownRegions.Primary)!.Load();
        }

        // A port found free can be taken by a parallel test before the silo binds it: start all three again
        // on fresh ports rather than fail the whole collection (every region must know its peers' ports).
        for (var attempt = 1; ; attempt++)
        {
            var endpoints = KnownRegions.All.ToDictionary(r => r, _ => new SiloEndpoints(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort()));
            var metricsPorts = KnownRegions.All.ToDictionary(r => r, _ => SiloProcess.FreePort());
            try
            {
                foreach (var region in KnownRegions.All)
                {
                    _silos[region] = await StartAsync(region, endpoints, metricsPorts[region]);
                    Endpoints[region] = endpoints[region];
                    MetricsUrls[region] = new Uri($"{(Tls is null ? "http" : "https")}://127.0.0.1:{metricsPorts[region]}/metrics");
                    Urls[region] = new Uri(endpoints[region].ApiUrl(Tls is not null));
                    Http[region] = Client(region, null).AsOperator();
                }

                return;
            }
            catch (Exception ex) when (attempt < 3 && (SiloProcess.IsPortTaken(ex) || ex is IOException or OrleansException))
            {
                await DisposeSilosAsync();
            }
        }
    }

    /// <summary>The development CA's certificate of <paramref name="region"/> (null without TLS).</summary>
    public Haunt.Silo.Security.TlsSettings? TlsFilesOf(string region) => WithTls ? Haunt.Silo.Security.DevelopmentCertificates.LoadOrCreate(_data, region) : null;

    /// <summary>What a fixture of its own sets for a region's silo beyond the settings above.</summary>
    protected virtual void Configure(string region, IDictionary<string, string?> settings)
    {
    }

    /// <summary>Where a fixture of its own adds to a region's silo (its seams).</summary>
    protected virtual void ConfigureSilo(string region, Orleans.Hosting.ISiloBuilder silo)
    {
    }

    /// <summary>One region: its own single-silo cluster, its peers the other two on loopback.</summary>
    private async Task<WebApplication> StartAsync(string region, Dictionary<string, SiloEndpoints> endpoints, int metricsPort)
    {
        var peers = KnownRegions.PeersOf(region).ToDictionary(p => p,
            p => (IReadOnlyList<System.Net.IPEndPoint>)[new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, endpoints[p].GatewayPort)]);
        var settings = LocalSiloSettings.For(region, _data, endpoints[region], HauntSiloConfigurator.ClusterKey, peers, TestTokens.Settings).WithTls(TlsFilesOf(region));
        // node_metrics rows every second instead of every 10 s, so the metrics endpoint has rows to show.
        settings["Haunt:Sync:MetricsInterval"] = "00:00:01";
        settings["Haunt:Sync:FeedStuckAfter"] = "00:00:02"; // a consumer group stuck within a test's patience
        settings["Haunt:PeerLink:ReconnectDelay"] = "00:00:00.200";
        settings["Haunt:StorePostgres"] = _database;
        // One test user waits on convergence every 50 ms in many tests: not the traffic the limit is for (LimitsAndRotationTests tests it).
        settings["Haunt:RateLimits:SyncPerUser"] = "100000";
        // Tests compare digests right after what they did: every digest read scans (the 1 s cache is the bench's to measure).
        settings["Haunt:Sync:DigestMaxAge"] = "00:00:00";
        settings["Haunt:Telemetry:Prometheus:Enabled"] = "true";
        settings["Haunt:Telemetry:Prometheus:Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Configure(region, settings);
        var app = await RegionalSilo.BuildAsync(settings.ToConfiguration(), silo =>
        {
            silo.AddLinkFaults();
            ConfigureSilo(region, silo);
        });
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private async Task DisposeSilosAsync()
    {
        foreach (var app in _silos.Values.Reverse())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _silos.Clear();
        foreach (var client in Http.Values)
        {
            client.Dispose();
        }

        Http.Clear();
    }

    public async Task DisposeAsync()
    {
        await DisposeSilosAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_database is not null)
        {
            await (await PostgresServer.GetAsync()).DropDatabaseAsync(_database);
        }

        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* in /tmp */ }
    }
}

public sealed class SqliteApiHost() : ApiHostFixture(StoreKind.Sqlite);

public sealed class PostgresApiHost() : ApiHostFixture(StoreKind.Postgres);

[CollectionDefinition(Name)]
public sealed class SqliteApiCollection : ICollectionFixture<SqliteApiHost>
{
    public const string Name = "api on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresApiCollection : ICollectionFixture<PostgresApiHost>
{
    public const string Name = "api on PostgreSQL";
}

/// <summary>Base of the API test classes: skips them (outside CI) where their engine is absent.</summary>
public abstract class ApiTestsBase
{
    protected ApiTestsBase(StoreKind kind) => StoreKinds.SkipIfUnavailable(kind);
}

/// <summary>
/// Separate 3-region hosts for the bot run: resting limit orders keep filling after the bots stop, which
/// must not write into the API tests' regions while they check that bad input writes nothing.
/// </summary>
public sealed class SqliteBotHost() : ApiHostFixture(StoreKind.Sqlite);

public sealed class PostgresBotHost() : ApiHostFixture(StoreKind.Postgres);

[CollectionDefinition(Name)]
public sealed class SqliteBotCollection : ICollectionFixture<SqliteBotHost>
{
    public const string Name = "bots on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresBotCollection : ICollectionFixture<PostgresBotHost>
{
    public const string Name = "bots on PostgreSQL";
}
