using Haunt.Grains.Peers;
using Haunt.Grains.Placement;
using Haunt.Grains.Replication;
using Haunt.Grains.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Haunt.Grains;

/// <summary>Where a regional silo keeps its data.</summary>
public sealed class RegionOptions
{
    /// <summary>osaka, seoul or nyc; also the silo's name.</summary>
    public string Region { get; set; } = "";

    /// <summary>Folder of the regional SQLite file (&lt;region&gt;.db).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// A PostgreSQL connection string: when set, the region's store is the schema haunt_&lt;region&gt; of that
    /// database instead of the SQLite file.
    /// </summary>
    public string? StorePostgres { get; set; }

    public Haunt.Storage.Sql.SqlRegionalStore OpenStore(TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null) => string.IsNullOrWhiteSpace(StorePostgres)
        ? RegionalStores.Sqlite(Region, Path.Combine(DataDirectory, $"{Region}.db"), time, logger)
        : RegionalStores.Postgres(Region, StorePostgres, time, logger: logger);
}

public static class HauntSiloExtensions
{
    /// <summary>
    /// Makes this silo a Haunt region: names it after the region, opens the regional store, and wires the
    /// replicated grains, the sync engine, its stream, the region placement and the clients into the peer
    /// regions' clusters (<paramref name="configurePeers"/> gives their gateways). The silo's own clustering
    /// (one cluster per region, <see cref="RegionCluster"/>) is the host's to configure.
    /// </summary>
    public static ISiloBuilder AddHaunt(this ISiloBuilder silo, Action<RegionOptions> configureRegion, Action<SyncOptions>? configureSync = null,
        Action<PeerOptions>? configurePeers = null)
    {
        var region = new RegionOptions();
        configureRegion(region);
        KnownRegions.Require(region.Region);
        silo.Configure<SiloOptions>(o => o.SiloName = region.Region);
        var sync = silo.Services.AddOptions<SyncOptions>().BindConfiguration("Haunt:Sync");
        if (configureSync is not null)
        {
            sync.Configure(configureSync);
        }

        sync.ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>();

        var services = silo.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new SiloRegion(region.Region));
        services.AddSingleton(sp => new HybridLogicalClock(sp.GetRequiredService<TimeProvider>()));
        // Constructed here, opened (schema, writer) asynchronously by RegionStoreOpener as the silo starts.
        services.AddSingleton<IRegionalStore>(sp => region.OpenStore(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Haunt.Storage")));
        services.AddSingleton<IEntityStore>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<ISyncLedger>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<IOperatorQueries>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new RegionStoreOpener(sp.GetRequiredService<IRegionalStore>()));
        services.AddSingleton<ActiveReplicas>();
        services.AddSingleton<LocalStates>();
        services.AddSingleton<ReplicaNotifier>();
        services.AddSingleton<IReplicaRefreshClient, ReplicaRefreshClient>();
        services.AddOptions<ReplicaOptions>().BindConfiguration("Haunt:Replicas");
        silo.AddGrainService<ReplicaRefreshService>();
        services.AddSingleton<ReplicaServices>();
        services.AddSingleton<RegionReach>();
        services.AddSingleton<BatchCodec>();
        services.AddMetrics();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<OutboxWakeup>();
        AddPeers(services, region.Region, configurePeers);
        services.AddSingleton<IReplicationLink>(sp => sp.GetRequiredService<PeerReplicationLink>());
        services.AddPlacementDirector<RegionPlacementStrategy, RegionPlacementDirector>();

        // The pulling agents poll each queue; Orleans' 100 ms default would add up to 100 ms per hop (batch and
        // ack). A few queues polled every 5 ms cost little and keep idle replication in milliseconds.
        silo.AddMemoryStreams(HauntNames.SyncStreamProvider, streams =>
        {
            streams.ConfigurePartitioning(HauntNames.SyncStreamPartitions);
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5)));
        });
        silo.AddMemoryGrainStorage(HauntNames.PubSubStore);
        silo.AddStartupTask(async (sp, cancel) =>
        {
            await StartSyncLoopAsync(sp.GetRequiredService<IGrainFactory>().GetGrain<ISyncQueueGrain>(region.Region), cancel);
            // Writes on every silo of the region wake the sync loop, wherever it lives.
            sp.GetRequiredService<OutboxWakeup>().Enable();
        });
        return silo;
    }

    private static void AddPeers(IServiceCollection services, string region, Action<PeerOptions>? configure)
    {
        var peers = services.AddOptions<PeerOptions>();
        if (configure is not null)
        {
            peers.Configure(configure);
        }

        foreach (var peer in KnownRegions.PeersOf(region))
        {
            peers.Validate(o => o.GatewaysOf(peer) is not null, PeerOptions.MissingPeer(peer));
        }

        peers.ValidateOnStart();
        services.AddSingleton<PeerClients>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PeerClients>());
        services.AddSingleton<PeerReplicationLink>();
    }

    /// <summary>
    /// Starts the region's sync loop. Right after start the silo's membership view can still lack itself as
    /// active, so the region placement finds no silo for the region yet: retry for up to 10 s rather than fail
    /// the silo's start.
    /// </summary>
    private static async Task StartSyncLoopAsync(ISyncQueueGrain sync, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sync.StartAsync();
                return;
            }
            catch (RegionUnavailableException) when (attempt < 20)
            {
                await Task.Delay(500, cancel);
            }
        }
    }
}
