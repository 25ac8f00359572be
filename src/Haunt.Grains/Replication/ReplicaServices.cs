namespace Haunt.Grains.Replication;

/// <summary>What every replicated entity grain needs, injected as one.</summary>
public sealed record ReplicaServices(
    IEntityStore Store,
    LocalStates States,
    ActiveReplicas Active,
    ReplicaNotifier Notifier,
    SiloRegion Region,
    RegionReach Reach,
    Microsoft.Extensions.Options.IOptions<ReplicaOptions> Options);
