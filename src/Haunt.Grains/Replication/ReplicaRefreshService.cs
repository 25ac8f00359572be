using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace Haunt.Grains.Replication;

/// <summary>One per silo: tells the grains active on this silo that rows committed elsewhere in the region changed.</summary>
public interface IReplicaRefreshService : IGrainService
{
    /// <summary>Answers once the grains were told (not one-way: the sender logs a refresh that failed).</summary>
    Task RefreshAsync(IReadOnlyList<ReplicaChange> changes);
}

/// <summary>
/// The silo's end of <see cref="ReplicaNotifier"/>. A grain service, because it must exist on every silo and be
/// addressed by silo: a grain placed by key could not promise to live on the silo whose grains it refreshes.
/// </summary>
public sealed class ReplicaRefreshService(GrainId id, Silo silo, ILoggerFactory loggers, ReplicaNotifier notifier)
    : GrainService(id, silo, loggers), IReplicaRefreshService
{
    public Task RefreshAsync(IReadOnlyList<ReplicaChange> changes) => notifier.NotifyLocalAsync(changes);
}
