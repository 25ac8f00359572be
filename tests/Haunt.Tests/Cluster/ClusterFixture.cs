using Haunt.Grains.Sync;
using Orleans.TestingHost;

namespace Haunt.Tests.Cluster;

/// <summary>
/// One real 3-silo Orleans cluster (osaka, seoul, nyc) with a real SQLite file per region in a fresh
/// temp folder, shared by the tests of the "cluster" collection and deleted afterwards.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly Dictionary<string, SiloHandle> _silos = [];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "haunt-tests", Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.Properties[HauntSiloConfigurator.DataDirectoryKey] = DataDirectory;
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
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
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

    public string StorePath(string region) => Path.Combine(DataDirectory, $"{region}.db");

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

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
