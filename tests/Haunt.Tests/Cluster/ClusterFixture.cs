using Haunt.Grains.Peers;
using Haunt.Grains.Sync;
using Haunt.Tests.Processes;
using Haunt.Tests.Dialects;
using Orleans.TestingHost;
using Orleans.Configuration;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Real Orleans clusters, one per region (<paramref name="regions"/>, by default osaka, seoul, nyc; a silo each, or
/// <paramref name="osakaSilos"/> for the first region, every silo named after its region), joined
/// only by the peer link over TCP on loopback, as in production; their regional stores either a real SQLite
/// file per region in a fresh temp folder or a schema per region in a fresh PostgreSQL database; shared by the
/// tests of one collection and deleted afterwards. Every cluster test class runs once per engine.
/// </summary>
public abstract class ClusterFixture(StoreKind kind, int osakaSilos = 1, RegionSet? regions = null) : IAsyncLifetime
{
    /// <summary>The deployment's regions; every silo is configured with this set (Haunt:Regions).</summary>
    public RegionSet Regions { get; } = regions ?? RegionSet.Default;

    private readonly Dictionary<string, TestCluster> _clusters = [];
    private readonly Dictionary<string, SiloHandle> _silos = [];
    private readonly Dictionary<string, int> _gateways = [];
    private PostgresServer? _postgres;
    private string? _database;

    public StoreKind Kind { get; } = kind;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "haunt-tests-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        if (Kind == StoreKind.Postgres && PostgresServer.Unavailable is not null)
        {
            return; // every test of the collection reports the reason as skipped
        }

        if (Kind == StoreKind.Postgres)
        {
            _postgres = await PostgresServer.GetAsync();
            _database = await _postgres.CreateDatabaseAsync();
        }

        // A port found free can be taken by a parallel test before a silo binds it: deploy all three again on
        // fresh ports rather than fail the whole collection (every region must know its peers' ports).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DeployAsync();
                break;
            }
            catch (Exception ex) when (attempt < 3 && SiloProcess.IsPortTaken(ex))
            {
                await StopClustersAsync();
            }
        }

        await WaitUntilLinkedAsync();
    }

    private async Task DeployAsync()
    {
        // Each region's gateway ports are chosen up front (TestCluster numbers a region's silos from its base
        // port, so a range of free ports): every region's silos are told their peers' at start.
        foreach (var region in Regions.All)
        {
            _gateways[region] = SiloProcess.FreePorts(SilosOf(region));
        }

        foreach (var region in Regions.All)
        {
            await StartRegionAsync(region, Regions, join: false);
        }
    }

    /// <summary>
    /// Starts <paramref name="region"/>'s cluster empty, to be added to the running deployment (Haunt:Join): it knows
    /// every region's gateway; they learn its gateway from the operator's request (<see cref="GatewaysOfNew"/>).
    /// </summary>
    public async Task StartJoiningAsync(string region)
    {
        _gateways[region] = SiloProcess.FreePorts(1);
        await StartRegionAsync(region, new RegionSet([.. Regions.All, region], Regions.Primary), join: true);
    }

    /// <summary>The gateways of a region started by <see cref="StartJoiningAsync"/>, as an operator gives them ("ip:port").</summary>
    public string[] GatewaysOfNew(string region) => [$"127.0.0.1:{_gateways[region]}"];

    private async Task StartRegionAsync(string region, RegionSet regions, bool join)
    {
        var builder = new TestClusterBuilder((short)SilosOf(region));
        builder.Options.ClusterId = RegionCluster.IdOf(region);
        builder.Options.ServiceId = RegionCluster.ServiceId;
        // Peer clients reach a region through its gateway over real TCP (TestCluster's default is in-memory).
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        // No TestCluster client: a plain Orleans client is refused at the region's door. Tests call grains as the
        // HTTP API does, from inside one of the region's silos (GrainsOf).
        builder.Options.InitializeClientOnDeploy = false;
        builder.Options.BaseSiloPort = SiloProcess.FreePorts(SilosOf(region));
        builder.Options.BaseGatewayPort = _gateways[region];
        builder.Properties[HauntSiloConfigurator.RegionKey] = region;
        builder.Properties[HauntSiloConfigurator.RegionsKey] = string.Join(',', regions.All);
        builder.Properties[HauntSiloConfigurator.DataDirectoryKey] = DataDirectory;
        builder.Properties[HauntSiloConfigurator.JoinKey] = join ? "true" : "false";
        // Small enough for a test to reach (RestingOrderTests), above what any other test rests on one portfolio.
        builder.Properties["Haunt:Trading:MaxOpenOrders"] = "20";
        // Opened through IPortfolioOpenerGrain only by PortfolioQuotaTests; other tests create portfolios on their grains.
        builder.Properties["Haunt:Trading:MaxPortfoliosPerUser"] = "5";
        // A joining region gives a silent round or donor up after 5 s (30 s shipped: a donor's turn at a million entities is longer).
        builder.Properties["Haunt:Sync:JoinSilence"] = "00:00:05";
        foreach (var peer in regions.PeersOf(region))
        {
            builder.Properties[HauntSiloConfigurator.PeerKey(peer)] = string.Join(',', Enumerable.Range(_gateways[peer], SilosOf(peer)));
        }

        if (_database is not null)
        {
            builder.Properties[HauntSiloConfigurator.StorePostgresKey] = _database;
        }

        builder.AddSiloBuilderConfigurator<HauntSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        _clusters[region] = cluster;
        _silos[region] = cluster.Primary ?? throw new InvalidOperationException($"{region} has no silo.");
    }

    private int SilosOf(string region) => region == Regions.All[0] ? osakaSilos : 1;

    /// <summary>Every region running: the deployment's and any started to join it.</summary>
    public IReadOnlyCollection<string> Running => _clusters.Keys;

    /// <summary>Every region's clients into its peers have connected (they connect in the background).</summary>
    private Task WaitUntilLinkedAsync() => Eventually.WaitUntilAsync(
        () => Task.FromResult(Regions.All.All(r => Regions.PeersOf(r).All(p => Services(r).GetRequiredService<PeerClients>()[p].Reachability.Reachable))),
        "every region reached its peers");

    private async Task StopClustersAsync()
    {
        foreach (var cluster in _clusters.Values.Reverse())
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        _clusters.Clear();
        _silos.Clear();
    }

    public async Task DisposeAsync()
    {
        await StopClustersAsync();

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgres is not null && _database is not null)
        {
            await _postgres.DropDatabaseAsync(_database);
        }

        DataFolder.Delete(DataDirectory);
    }

    /// <summary>
    /// Grain calls into one region's cluster as its HTTP API makes them: from inside one of its running silos (the
    /// first one still up, so a test that kills a silo keeps a way in). A region with no silo up refuses the call as
    /// a client of a dead cluster would (<see cref="SiloUnavailableException"/>).
    /// </summary>
    public IGrainFactory GrainsOf(string region) =>
        _clusters[region].GetActiveSilos().FirstOrDefault() is InProcessSiloHandle silo
            ? silo.SiloHost.Services.GetRequiredService<IGrainFactory>()
            : throw new SiloUnavailableException($"No silo of {region} is running.");

    /// <summary>The gateway of a region's first silo, where peer regions' clients connect.</summary>
    public System.Net.IPEndPoint GatewayOf(string region) => _silos[region].GatewayAddress.Endpoint;

    /// <summary>The silo port of a region's first silo, where only its region's other silos may connect.</summary>
    public System.Net.IPEndPoint SiloPortOf(string region) => _silos[region].SiloAddress.Endpoint;

    /// <summary>The door of a region's first silo, with its counts.</summary>
    public Haunt.Grains.Door.RegionDoor Door(string region) => Services(region).GetRequiredService<Haunt.Grains.Door.RegionDoor>();

    public IServiceProvider Services(string region) => ((InProcessSiloHandle)_silos[region]).SiloHost.Services;

    /// <summary>Each running silo of a region, with its services.</summary>
    public IReadOnlyList<(SiloAddress Address, IServiceProvider Services)> SilosOfRegion(string region) =>
        [.. _clusters[region].GetActiveSilos().Select(s => (s.SiloAddress, ((InProcessSiloHandle)s).SiloHost.Services))];

    /// <summary>Kills one silo of a region, not necessarily its first (TestCluster's KillSilo).</summary>
    public Task KillSiloAsync(string region, SiloAddress silo) =>
        _clusters[region].KillSiloAsync(_clusters[region].GetActiveSilos().Single(s => s.SiloAddress.Equals(silo)));

    public IRegionalStore Store(string region) => Services(region).GetRequiredService<IRegionalStore>();

    /// <summary>Holds the next local commit of <paramref name="entityId"/> in a region after it lands (see <see cref="PausableStore"/>).</summary>
    public CommitPause PauseCommitsOf(string region, string entityId)
    {
        var pause = new CommitPause(entityId);
        ((PausableStore)(object)Store(region)).Pause = pause;
        return pause;
    }

    public void ResumeCommits(string region) => ((PausableStore)(object)Store(region)).Pause = null;

    /// <summary>Runs <paramref name="interference"/> once, just before the next local commit in a region that touches <paramref name="entityId"/>.</summary>
    public void InterfereWithNextCommitOf(string region, string entityId, Action interference) =>
        ((PausableStore)(object)Store(region)).Interference = (entityId, interference);

    /// <summary>Holds the next remote apply of <paramref name="entityId"/> in a region after it lands: that region's sync loop is stuck in its turn until released.</summary>
    public CommitPause PauseAppliesOf(string region, string entityId)
    {
        var pause = new CommitPause(entityId);
        ((PausableStore)(object)Store(region)).ApplyPause = pause;
        return pause;
    }

    /// <summary>Holds a region's read of states of <paramref name="type"/> after <paramref name="passing"/> such reads (what a donor ships in a repair): its sync loop is stuck in that turn until released.</summary>
    public StateReadPause PauseStateReadsOf(string region, EntityType type, int passing)
    {
        var pause = new StateReadPause(type, passing);
        ((PausableStore)(object)Store(region)).ReadPause = pause;
        return pause;
    }

    public void ResumeStateReads(string region) => ((PausableStore)(object)Store(region)).ReadPause = null;

    public void ResumeApplies(string region) => ((PausableStore)(object)Store(region)).ApplyPause = null;

    /// <summary>Holds a region's digest scans until their caller gives up or the hold is lifted (lift it before the test ends).</summary>
    public DigestHold HoldDigestsOf(string region)
    {
        var hold = new DigestHold();
        ((PausableStore)(object)Store(region)).DigestHold = hold;
        return hold;
    }

    public void ReleaseDigests(string region)
    {
        var store = (PausableStore)(object)Store(region);
        store.DigestHold?.Lift();
        store.DigestHold = null;
    }

    /// <summary>Records what a region's store applies from its peers until the result is disposed (one recorder per region at a time).</summary>
    public AppliedChanges RecordApplies(string region)
    {
        var store = (PausableStore)(object)Store(region);
        var applies = new AppliedChanges(() => store.Applies = null);
        store.Applies = applies;
        return applies;
    }

    public SyncMetrics Metrics(string region) => Services(region).GetRequiredService<SyncMetrics>();

    public T Grain<T>(string region, string id) where T : IGrainWithStringKey => GrainsOf(region).GetGrain<T>(EntityKey.Of(region, id));

    /// <summary>Sets a fault on the link from → to (on the sender's silo).</summary>
    public void Fault(string from, string to, LinkFault fault) => Services(from).GetRequiredService<LinkFaults>().Set(from, to, fault);

    /// <summary>Cuts both directions between two regions.</summary>
    public void Cut(string a, string b)
    {
        Fault(a, b, LinkFault.Severed);
        Fault(b, a, LinkFault.Severed);
    }

    /// <summary>Sets the price of <paramref name="symbol"/> on every silo of a region (see <see cref="SteerablePrices"/>).</summary>
    public void SetPrice(string region, string symbol, decimal price)
    {
        foreach (var (_, services) in SilosOfRegion(region))
        {
            ((SteerablePrices)services.GetRequiredService<Haunt.Trading.Market.IPriceFeed>()).Set(symbol, price);
        }
    }

    /// <summary>Gives <paramref name="symbol"/> back to the simulated market on every silo of a region.</summary>
    public void ReleasePrice(string region, string symbol)
    {
        foreach (var (_, services) in SilosOfRegion(region))
        {
            ((SteerablePrices)services.GetRequiredService<Haunt.Trading.Market.IPriceFeed>()).Release(symbol);
        }
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
        await _clusters[region].StopSiloAsync(_silos[region]);
    }

    /// <summary>Kills the region's silo without a goodbye (TestCluster's KillSilo).</summary>
    public async Task KillAsync(string region)
    {
        await _clusters[region].KillSiloAsync(_silos[region]);
    }

    /// <summary>Starts the region's silo again (same ports, same store) and waits until it is linked to its peers again.</summary>
    public async Task RestartAsync(string region)
    {
        _silos[region] = await _clusters[region].RestartSiloAsync(_silos[region]) ?? throw new InvalidOperationException($"{region} did not restart.");
        await WaitUntilLinkedAsync();
    }
}

public sealed class SqliteCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class SqliteTwoSiloCluster() : ClusterFixture(StoreKind.Sqlite, osakaSilos: 2);

public sealed class PostgresTwoSiloCluster() : ClusterFixture(StoreKind.Postgres, osakaSilos: 2);

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
