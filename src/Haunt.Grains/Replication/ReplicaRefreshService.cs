using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace Haunt.Grains.Replication;

/// <summary>One per silo: takes states committed elsewhere in the region to the grains active on this silo.</summary>
public interface IReplicaRefreshService : IGrainService
{
    [OneWay]
    Task RefreshAsync(IReadOnlyList<EntityState> states);
}

/// <summary>
/// The silo's end of <see cref="ReplicaNotifier"/>. A grain service, because it must exist on every silo and be
/// addressed by silo: a grain placed by key could not promise to live on the silo whose grains it refreshes.
/// </summary>
public sealed class ReplicaRefreshService(GrainId id, Silo silo, ILoggerFactory loggers, ReplicaNotifier notifier)
    : GrainService(id, silo, loggers), IReplicaRefreshService
{
    public Task RefreshAsync(IReadOnlyList<EntityState> states) => notifier.NotifyLocalAsync(states);
}

public interface IReplicaRefreshClient : IGrainServiceClient<IReplicaRefreshService>
{
    IReplicaRefreshService On(SiloAddress silo);
}

/// <summary>Addresses the <see cref="ReplicaRefreshService"/> of a given silo.</summary>
public sealed class ReplicaRefreshClient(IServiceProvider services) : GrainServiceClient<IReplicaRefreshService>(services), IReplicaRefreshClient
{
    public IReplicaRefreshService On(SiloAddress silo) => GetGrainService(silo);
}
