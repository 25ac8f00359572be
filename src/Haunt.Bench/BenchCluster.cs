using Haunt.Grains.Sync;
using Haunt.Silo.Hosting;

namespace Haunt.Bench;

/// <summary>
/// One, or all three, regions in this process, each a cluster of one silo (or <c>silosPerRegion</c>) on its own
/// ports and a fresh data folder — or, given a PostgreSQL connection string, with their stores in a fresh database
/// on that server (dropped afterwards). Grains, stores and metrics are those of each region's first silo.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly Dictionary<string, WebApplication> _silos = [];
    private readonly List<WebApplication> _otherSilos = [];
    private string? _adminPostgres;
    private Haunt.Silo.Security.AuthSettings _auth = new();
    private int _portOffset;
    private string? _database;
    private string _folder = "";
    private string _key = "";
    private string? _store;
    private int? _window;
    private IReadOnlyDictionary<string, string?> _settings = new Dictionary<string, string?>();

    private BenchCluster()
    {
    }

    private RegionSet _set = RegionSet.Default;

    /// <summary>The cluster's regions in rank order.</summary>
    public IReadOnlyList<string> Regions => _set.All;

    /// <param name="replicate">False: the write path alone (<see cref="UnsentOutbox"/>), for the "replication off" phase.</param>
    /// <param name="settings">Settings of every silo on top of the bench's own (e.g. Haunt:Sync:DeltaMinBytes).</param>
    public static async Task<BenchCluster> StartAsync(string folder, IEnumerable<string> regions, bool replicate, int portOffset, string? postgres = null,
        int? window = null, int silosPerRegion = 1, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var set = new RegionSet([.. regions]);
        var cluster = new BenchCluster { _adminPostgres = postgres, _set = set, _settings = settings ?? new Dictionary<string, string?>() };
        Directory.CreateDirectory(folder);
        string? store = null;
        if (postgres is not null)
        {
            cluster._database = $"haunt_bench_{Guid.NewGuid():N}"[..28];
            await ExecuteAsync(postgres, $"CREATE DATABASE {cluster._database}");
            store = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = cluster._database }.ConnectionString;
        }

        var key = ClusterKeyFile.LoadOrCreate(folder);
        // The benchmark drives grains; only the operator-load phase calls the silos' APIs, with tokens signed by this key.
        var auth = new Haunt.Silo.Security.AuthSettings { SigningKeys = [ClusterKeyFile.LoadOrCreate(folder, ClusterKeyFile.TokenSigningKey)] };
        (cluster._auth, cluster._portOffset, cluster._folder, cluster._key, cluster._store, cluster._window) = (auth, portOffset, folder, key, store, window);
        foreach (var region in set.All)
        {
            for (var index = 0; index < silosPerRegion; index++)
            {
                var app = await cluster.StartSiloAsync(region, set, index, silosPerRegion, replicate, join: false);
                if (index == 0)
                {
                    cluster._silos[region] = app;
                }
                else
                {
                    cluster._otherSilos.Add(app);
                }
            }
        }

        return cluster;
    }

    /// <summary>
    /// Starts <paramref name="region"/> empty, to be added (Haunt:Join, one silo, the next ports by its place after the
    /// others), and returns its silo: the deployment's regions do not know it until an operator adds it.
    /// </summary>
    public async Task<WebApplication> StartJoiningAsync(string region)
    {
        var set = new RegionSet([.. _set.All, region], _set.Primary);
        var app = await StartSiloAsync(region, set, 0, 1, replicate: true, join: true);
        _otherSilos.Add(app);
        return app;
    }

    /// <summary>What the run's silos export (bench --telemetry), to measure what instrumentation costs.</summary>
    public static BenchTelemetry Telemetry { get; set; }

    /// <summary>The gateway where a region started by <see cref="StartJoiningAsync"/> is reached ("ip:port").</summary>
    public string GatewayOfJoining(string region) =>
        $"127.0.0.1:{SiloEndpoints.DefaultFor(region, _portOffset, regions: new RegionSet([.. _set.All, region], _set.Primary)).GatewayPort}";

    private async Task<WebApplication> StartSiloAsync(string region, RegionSet set, int index, int silosPerRegion, bool replicate, bool join)
    {
        var settings = LocalSiloSettings.For(region, _folder, SiloEndpoints.DefaultFor(region, _portOffset, index, set), _key,
            PeerAddresses.Loopback(region, _portOffset, silosPerRegion, set), _auth, primarySiloPort: SiloEndpoints.DefaultFor(region, _portOffset, regions: set).SiloPort,
            regions: set);
        settings["Logging:LogLevel:Default"] = nameof(LogLevel.Error);
        settings["Haunt:Sync:MaxBatchesInFlight"] = _window?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Haunt:StorePostgres"] = _store;
        settings["Haunt:Join"] = join ? "true" : null;
        // What an operator turns on: the Prometheus endpoint (scraped or not, every instrument is collected), and with
        // traces OTLP (metrics and every trace, to a port that answers nothing: the cost measured is the SDK's).
        settings["Haunt:Telemetry:Prometheus:Enabled"] = Telemetry is BenchTelemetry.Metrics or BenchTelemetry.Traces ? "true" : null;
        settings["Haunt:Telemetry:Otlp:Endpoint"] = Telemetry is BenchTelemetry.Traces ? "http://127.0.0.1:9" : null;
        foreach (var (name, value) in _settings)
        {
            settings[name] = value;
        }

        // The benchmark's own seams: on the link, which the slow-link and cut phases delay and sever; and, with
        // replication off, on the outbox.
        var app = await RegionalSilo.BuildAsync(settings.ToConfiguration(), silo =>
        {
            silo.AddLinkFaults();
            if (!replicate)
            {
                UnsentOutbox.AddTo(silo);
            }
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>An HTTP client of a region's first silo's API as operator <paramref name="user"/>.</summary>
    public HttpClient OperatorApi(string region, string user)
    {
        var http = new HttpClient { BaseAddress = new Uri(SiloEndpoints.DefaultFor(region, _portOffset, regions: _set).HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            Haunt.Silo.Security.TokenIssuer.Mint(_auth, user, [Haunt.Silo.Security.HauntPolicies.OperatorRole], TimeSpan.FromHours(1)));
        return http;
    }

    public IGrainFactory Grains(string region) => _silos[region].Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services(string region) => _silos[region].Services;

    public IRegionalStore Store(string region) => _silos[region].Services.GetRequiredService<IRegionalStore>();

    public SyncMetrics Metrics(string region) => _silos[region].Services.GetRequiredService<SyncMetrics>();

    /// <summary>Sets a fault on the link from → to (on the sender's silo).</summary>
    public void Fault(string from, string to, LinkFault fault) => _silos[from].Services.GetRequiredService<LinkFaults>().Set(from, to, fault);

    private IEnumerable<WebApplication> AllSilos => _silos.Values.Concat(_otherSilos);

    public void HealAll()
    {
        foreach (var app in AllSilos)
        {
            app.Services.GetRequiredService<LinkFaults>().HealAll();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or throws after <paramref name="timeout"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Regions did not drain within {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    public void Cut(string region, bool cut)
    {
        foreach (var app in AllSilos)
        {
            var name = app.Services.GetRequiredService<SiloRegion>().Name;
            var faults = app.Services.GetRequiredService<LinkFaults>();
            foreach (var peer in _set.PeersOf(name).Where(p => name == region || p == region))
            {
                if (cut)
                {
                    faults.Set(name, peer, LinkFault.Severed);
                }
                else
                {
                    faults.Heal(name, peer);
                }
            }
        }
    }

    /// <summary>True when every region's outbox is empty for every peer (everything sent was acked).</summary>
    public async Task<bool> DrainedAsync()
    {
        foreach (var region in Regions)
        {
            foreach (var peer in _set.PeersOf(region))
            {
                if ((await Store(region).BacklogAsync(peer)).Rows > 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public async Task<bool> ConvergedAsync() =>
        await DrainedAsync() && (await Task.WhenAll(Regions.Select(r => Store(r).DigestAsync()))).Select(d => d.Overall).Distinct().Count() == 1;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in AllSilos.Reverse())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (_adminPostgres is not null && _database is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_adminPostgres, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
