using System.Net;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Haunt.Tests.Processes;

namespace Haunt.Tests.Partitions;

/// <summary>
/// The partition tests run alone: they time answers in seconds on a 2-core machine, and three silo
/// processes of their own are load enough.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PartitionCollection : ICollectionFixture<ThreeRegionPartitionCluster>
{
    public const string Name = "network partitions";
}

/// <summary>The same, with four regions: alone too (one lab at a time uses the client subnets).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FourRegionPartitionCollection : ICollectionFixture<FourRegionPartitionCluster>
{
    public const string Name = "network partitions, four regions";
}

/// <summary>The default three: osaka, seoul and nyc.</summary>
public sealed class ThreeRegionPartitionCluster() : PartitionCluster(RegionSet.Default);

/// <summary>The default three and frankfurt.</summary>
public sealed class FourRegionPartitionCluster() : PartitionCluster(new RegionSet([.. RegionSet.Default.All, "frankfurt"]));

/// <summary>
/// Each region of <see cref="Regions"/> as a silo process, each in its own namespace of a <see cref="NetworkLab"/>: it
/// advertises its WAN address and dials its peers' gateways there; the test calls its HTTP API over its client
/// link. SQLite only: the PostgreSQL test server listens on the root namespace's loopback, which no region
/// namespace can reach.
/// </summary>
public abstract class PartitionCluster(RegionSet regions) : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    // Every namespace has its own network stack, so every region can use the same ports.
    private static readonly SiloPorts s_ports = new(Silo: 11111, Gateway: 30000, Http: 5101);
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-partition-tests-{Guid.NewGuid():N}");
    private string? _unavailable;
    private NetworkLab? _lab;

    public NetworkLab Lab => _lab ?? throw new InvalidOperationException("The network lab was not built.");

    /// <summary>The deployment's regions, in rank order (each silo is started with Haunt:Regions naming them).</summary>
    public RegionSet Regions => regions;

    public Dictionary<string, SiloProcess> Silos { get; } = [];

    /// <summary>One client per region, with short timeouts: a hung call fails a check rather than the run.</summary>
    public Dictionary<string, HttpClient> Http { get; } = [];

    public async Task InitializeAsync()
    {
        _unavailable = await NetworkLab.FindUnavailableReasonAsync();
        if (_unavailable is not null)
        {
            return; // the tests report the reason as skipped
        }

        try
        {
            _lab = await NetworkLab.CreateAsync(regions);
            Directory.CreateDirectory(_data);
            var environment = new Dictionary<string, string> { ["Haunt__Regions"] = string.Join(',', regions.All) };
            foreach (var region in regions.All)
            {
                var peers = regions.PeersOf(region).ToDictionary(p => p, p => $"{_lab.WanAddressOf(p)}:{s_ports.Gateway}");
                var silo = new SiloProcess(region, _data, postgres: null, s_ports, peers, _lab.WanAddressOf(region),
                    [IpCommand.Path!, "netns", "exec", _lab.NamespaceOf(region)], environment: environment);
                Silos[region] = silo;
                await silo.StartAsync(s_startTimeout); // one after another: 2 cores
                Http[region] = ClientFor(region);
            }

            await WaitUntilAllPeersReachableAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Before each test: skipped with the reason where namespaces cannot be made; otherwise every link healed,
    /// every silo running and every region reaching its peers, whatever an earlier test left behind.
    /// </summary>
    public async Task PrepareAsync()
    {
        Skip.If(_unavailable is not null, _unavailable);
        await Lab.HealAllAsync();
        foreach (var silo in Silos.Values.Where(s => s.HasExited))
        {
            await silo.StartAsync(s_startTimeout);
        }

        await WaitUntilAllPeersReachableAsync();
    }

    public Task RestartAsync(string region) => Silos[region].StartAsync(s_startTimeout);

    public Task WaitUntilAllPeersReachableAsync() => Eventually.WaitUntilAsync(async () =>
    {
        foreach (var region in regions.All)
        {
            var health = await Http[region].HealthAsync();
            if (health.Reachable.Values.Any(reachable => !reachable))
            {
                return false;
            }
        }

        return true;
    }, "every region reaches all its peers", TimeSpan.FromSeconds(60));

    /// <summary>Idempotent: also called from a failed InitializeAsync.</summary>
    public async Task DisposeAsync()
    {
        foreach (var http in Http.Values)
        {
            http.Dispose();
        }

        Http.Clear();
        foreach (var silo in Silos.Values)
        {
            await silo.DisposeAsync();
        }

        Silos.Clear();
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
            _lab = null;
        }

        if (Environment.GetEnvironmentVariable("HAUNT_KEEP_PROCESS_LOGS") is null && Directory.Exists(_data))
        {
            try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* in /tmp */ }
        }
    }

    private HttpClient ClientFor(string region) =>
        // No proxy: a proxy from the environment cannot reach the lab's addresses.
        new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = new Uri($"http://{Lab.ClientAddressOf(region)}:{s_ports.Http}"),
            Timeout = TimeSpan.FromSeconds(5),
            DefaultRequestVersion = HttpVersion.Version11,
        }.AsOperator();
}
