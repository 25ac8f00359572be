using Haunt.Grains.Sync;
using Haunt.Tests.Dialects;
using Orleans.TestingHost;

namespace Haunt.Tests.Cluster;

/// <summary>
/// One real 3-silo Orleans cluster (osaka, seoul, nyc) whose regional stores are either a real SQLite file
/// per region in a fresh temp folder or a schema per region in a fresh PostgreSQL database; shared by the
/// tests of one collection and deleted afterwards. Every cluster test class runs once per engine.
/// </summary>
public abstract class ClusterFixture(StoreKind kind) : IAsyncLifetime
{
    private readonly Dictionary<string, SiloHandle> _silos = [];
    private PostgresServer? _postgres;
    private string? _database;

    public StoreKind Kind { get; } = kind;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"haunt-tests-{Guid.NewGuid():N}");

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        if (Kind == StoreKind.Postgres && PostgresServer.Unavailable is not null)
        {
            return; // every test of the collection reports the reason as skipped
        }

        var builder = new TestClusterBuilder(3);
        builder.Properties[HauntSiloConfigurator.DataDirectoryKey] = DataDirectory;
        if (Kind == StoreKind.Postgres)
        {
            _postgres = await PostgresServer.GetAsync();
            _database = await _postgres.CreateDatabaseAsync();
            builder.Properties[HauntSiloConfigurator.StorePostgresKey] = _database;
        }

        builder.AddSiloBuilderConfigurator<HauntSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        foreach (var silo in Cluster.Silos)
        {
            _silos[HauntSiloConfigurator.RegionOf(silo.Name)] = silo;
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is null)
        {
            return;
        }

        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgres is not null && _database is not null)
        {
            await _postgres.DropDatabaseAsync(_database);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a late finalizer must not fail the run; the folder is in /tmp.
        }
    }

    public IServiceProvider Services(string region) => ((InProcessSiloHandle)_silos[region]).SiloHost.Services;

    public IRegionalStore Store(string region) => Services(region).GetRequiredService<IRegionalStore>();

    /// <summary>Holds the next local commit of <paramref name="entityId"/> in a region after it lands (see <see cref="PausableStore"/>).</summary>
    public CommitPause PauseCommitsOf(string region, string entityId)
    {
        var pause = new CommitPause(entityId);
        ((PausableStore)(object)Store(region)).Pause = pause;
        return pause;
    }

    public void ResumeCommits(string region) => ((PausableStore)(object)Store(region)).Pause = null;

    public SyncMetrics Metrics(string region) => Services(region).GetRequiredService<SyncMetrics>();

    public T Grain<T>(string region, string id) where T : IGrainWithStringKey => Grains.GetGrain<T>(EntityKey.Of(region, id));

    /// <summary>Sets a fault on the link from → to (on the sender's silo).</summary>
    public void Fault(string from, string to, LinkFault fault) => Services(from).GetRequiredService<LinkFaults>().Set(from, to, fault);

    /// <summary>Cuts both directions between two regions.</summary>
    public void Cut(string a, string b)
    {
        Fault(a, b, LinkFault.Severed);
        Fault(b, a, LinkFault.Severed);
    }

    /// <summary>Moves a region's clock ahead (or back) of real time.</summary>
    public void Skew(string region, TimeSpan offset) => ((SkewableTime)Services(region).GetRequiredService<TimeProvider>()).Offset = offset;

    /// <summary>A connection straight to a region's store, past the product's code (to make drift on purpose).</summary>
    public System.Data.Common.DbConnection OpenStoreConnection(string region)
    {
        var connection = ((Haunt.Storage.Sql.SqlRegionalStore)((PausableStore)(object)Store(region)).Inner).Dialect.CreateConnection();
        connection.Open();
        return connection;
    }

    public void HealAll()
    {
        foreach (var region in _silos.Keys)
        {
            Services(region).GetRequiredService<LinkFaults>().HealAll();
        }
    }

    public async Task StopAsync(string region)
    {
        await Cluster.StopSiloAsync(_silos[region]);
    }

    /// <summary>Kills the silo without a goodbye (TestCluster's KillSilo).</summary>
    public async Task KillAsync(string region)
    {
        await Cluster.KillSiloAsync(_silos[region]);
    }

    public async Task RestartAsync(string region)
    {
        _silos[region] = await Cluster.RestartSiloAsync(_silos[region]) ?? throw new InvalidOperationException($"{region} did not restart.");
    }
}

public sealed class SqliteCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresCluster() : ClusterFixture(StoreKind.Postgres);

[CollectionDefinition(Name)]
public sealed class SqliteClusterCollection : ICollectionFixture<SqliteCluster>
{
    public const string Name = "cluster on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "cluster on PostgreSQL";
}

/// <summary>Base of the cluster test classes: skips them (outside CI) where their engine is absent.</summary>
public abstract class ClusterTests
{
    protected ClusterTests(StoreKind kind) => StoreKinds.SkipIfUnavailable(kind);
}
