using Haunt.Grains.Door;
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

/// <summary>
/// Makes a silo a Haunt region, one feature per extension (Orleans style: each registers its services and binds
/// and validates its options from the silo's configuration). The production silo and the test clusters call the
/// same ones; the silo's own clustering (one cluster per region, <see cref="RegionCluster"/>) is the host's.
/// </summary>
public static class HauntSiloExtensions
{
    /// <summary>
    /// All of a region: <see cref="AddHauntRegion"/>, <see cref="AddHauntReplicas"/>, <see cref="AddHauntSync"/>, <see cref="AddHauntPeers"/>,
    /// <see cref="AddHauntDoor"/>. Call it after UseTls, so that the door's handshake runs inside TLS.
    /// </summary>
    public static ISiloBuilder AddHaunt(this ISiloBuilder silo, Action<RegionOptions> configureRegion, Action<SyncOptions>? configureSync = null,
        Action<PeerOptions>? configurePeers = null) =>
        silo.AddHauntRegion(configureRegion).AddHauntReplicas().AddHauntSync(configureSync).AddHauntPeers(configurePeers).AddHauntDoor();

    /// <summary>
    /// The door (<see cref="RegionDoor"/>): the silo port admits only this region's silos and the gateway only the
    /// deployment's other regions, each proving itself with the cluster key (and, under TLS, a certificate naming it);
    /// this silo proves itself the same way when it connects to its region's silos. A peer region may then call only
    /// what the peer link needs (<see cref="PeerCallFilter"/>).
    /// </summary>
    public static ISiloBuilder AddHauntDoor(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddSingleton<RegionDoor>();
        services.AddOptions<SiloConnectionOptions>().Configure<RegionDoor, SiloRegion>((connections, door, region) =>
        {
            connections.ConfigureSiloInboundConnection(c => c.Use(next => door.Admit(next, DoorRole.Silo)));
            connections.ConfigureGatewayInboundConnection(c => c.Use(next => door.Admit(next, DoorRole.Peer)));
            connections.ConfigureSiloOutboundConnection(c => c.Use(next => door.Enter(next, DoorRole.Silo, region.Name)));
        });
        silo.AddIncomingGrainCallFilter<PeerCallFilter>();
        return silo;
    }

    /// <summary>The region this silo serves (also its name), its clock, its store (opened as the silo starts) and the region placement.</summary>
    public static ISiloBuilder AddHauntRegion(this ISiloBuilder silo, Action<RegionOptions> configure)
    {
        var region = new RegionOptions();
        configure(region);
        var siloRegion = new SiloRegion(region.Region, region.ToRegionSet(), region.Join);
        silo.Configure<SiloOptions>(o => o.SiloName = region.Region);
        var services = silo.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(siloRegion);
        services.AddSingleton(sp => new HybridLogicalClock(sp.GetRequiredService<TimeProvider>()));
        // Constructed here, opened (schema, writer) asynchronously by RegionStoreOpener as the silo starts.
        services.AddSingleton<IRegionalStore>(sp => region.OpenStore(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Haunt.Storage")));
        services.AddSingleton<IEntityStore>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<ISyncLedger>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<IOperatorQueries>(sp => sp.GetRequiredService<IRegionalStore>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new RegionStoreOpener(sp.GetRequiredService<IRegionalStore>()));
        services.AddPlacementDirector<RegionPlacementStrategy, RegionPlacementDirector>();
        return silo;
    }

    /// <summary>The entity grains' services: their cache (Haunt:Replicas), refreshes across the region's silos, forwarding to other regions.</summary>
    public static ISiloBuilder AddHauntReplicas(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddSingleton<ActiveReplicas>();
        services.AddSingleton<LocalStates>();
        services.AddSingleton<ReplicaNotifier>();
        services.AddSingleton<IReplicaRefreshClient, ReplicaRefreshClient>();
        services.AddOptions<ReplicaOptions>().BindConfiguration("Haunt:Replicas")
            .Validate(o => o.MaxCacheAge > TimeSpan.Zero, "Haunt:Replicas:MaxCacheAge must be positive.")
            .Validate(o => o.HandoverWait > TimeSpan.Zero, "Haunt:Replicas:HandoverWait must be positive.").ValidateOnStart();
        silo.AddGrainService<ReplicaRefreshService>();
        services.AddSingleton<ReplicaServices>();
        services.AddSingleton<RegionReach>();
        return silo;
    }

    /// <summary>
    /// The sync loop (Haunt:Sync, validated by <see cref="SyncOptionsValidator"/>): codec, metrics, outbox wake-up,
    /// the status it publishes to every silo, its stream, and its start once the silo is up.
    /// </summary>
    public static ISiloBuilder AddHauntSync(this ISiloBuilder silo, Action<SyncOptions>? configure = null)
    {
        var services = silo.Services;
        AddValidatedOptions<SyncOptions, SyncOptionsValidator>(services, "Haunt:Sync", configure);
        services.AddSingleton<BatchCodec>();
        services.AddMetrics();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<OutboxWakeup>();
        services.AddHostedService<MembershipWatcher>();
        services.AddSingleton<SyncStatusBoard>();
        services.AddSingleton<SyncStatusPublisher>();
        services.AddSingleton<ISyncStatusClient, SyncStatusClient>();
        services.AddSingleton(RequestedRounds.Of);
        silo.AddGrainService<SyncStatusService>();

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
            await StartSyncLoopAsync(sp.GetRequiredService<IGrainFactory>().GetGrain<ISyncQueueGrain>(sp.GetRequiredService<SiloRegion>().Name), cancel);
            // Writes on every silo of the region wake the sync loop, wherever it lives.
            sp.GetRequiredService<OutboxWakeup>().Enable();
        });
        return silo;
    }

    /// <summary>
    /// The clients into the other regions' clusters and the link over them: timing from Haunt:PeerLink, the peers'
    /// gateways from <paramref name="configure"/> (the host resolves Haunt:Peers), validated by <see cref="PeerOptionsValidator"/>.
    /// </summary>
    public static ISiloBuilder AddHauntPeers(this ISiloBuilder silo, Action<PeerOptions>? configure = null)
    {
        var services = silo.Services;
        AddValidatedOptions<PeerOptions, PeerOptionsValidator>(services, "Haunt:PeerLink", configure);
        services.AddSingleton<PeerClients>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PeerClients>());
        services.AddSingleton<PeerReplicationLink>();
        services.AddSingleton<IReplicationLink>(sp => sp.GetRequiredService<PeerReplicationLink>());
        return silo;
    }

    /// <summary>Options bound from <paramref name="section"/>, then <paramref name="configure"/>, checked by <typeparamref name="TValidator"/> as the silo starts.</summary>
    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, string section, Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>().BindConfiguration(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
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
