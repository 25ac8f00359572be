using Microsoft.Extensions.Logging;

namespace Haunt.Grains.Replication;

/// <summary>
/// Tells the grains active for freshly committed rows, on every silo of the region, to read them again: those on
/// this silo before the call returns; each other active silo in one message to its
/// <see cref="ReplicaRefreshService"/>, not awaited, so a silo that died but is not yet declared dead cannot stall
/// the sync loop. A message that fails is logged and counted; the grains it was for read their row again once
/// their cache is older than <see cref="ReplicaOptions.MaxCacheAge"/>, so a lost refresh heals by itself.
/// </summary>
public sealed partial class ReplicaNotifier(IGrainFactory grains, ActiveReplicas active, SiloRegion region, IClusterMembershipService membership,
    ILocalSiloDetails self, IReplicaRefreshClient others, SyncMetrics metrics, ILogger<ReplicaNotifier> log)
{
    public Task NotifyAsync(IReadOnlyList<EntityState> states, (EntityType Type, string Id)? except = null)
    {
        if (states.Count == 0)
        {
            return Task.CompletedTask;
        }

        List<ReplicaChange>? changes = null;
        foreach (var (silo, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active && !silo.Equals(self.SiloAddress))
            {
                changes ??= [.. states.Select(ReplicaChange.Of)];
                Observe(silo, others.On(silo).RefreshAsync(changes), changes.Count);
            }
        }

        return NotifyLocalAsync(states.Select(ReplicaChange.Of), except);
    }

    /// <summary>Refreshes the grains active on this silo only.</summary>
    public Task NotifyLocalAsync(IEnumerable<ReplicaChange> changes, (EntityType Type, string Id)? except = null)
    {
        List<Task>? calls = null;
        foreach (var change in changes)
        {
            if ((change.Type, change.Id) == except || !active.Contains(change.Type, change.Id))
            {
                continue;
            }

            (calls ??= []).Add(grains.Replica(change.Type, region.Name, change.Id).RefreshAsync(change.Vector));
        }

        return calls is null ? Task.CompletedTask : Task.WhenAll(calls);
    }

    private void Observe(SiloAddress silo, Task refresh, int count) =>
        refresh.ContinueWith(t =>
        {
            Interlocked.Increment(ref metrics.RefreshesLost);
            LogRefreshLost(log, count, silo, t.Exception!.GetBaseException());
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refresh of {Count} changed rows for silo {Silo} was lost; its grains read them again within the cache age")]
    private static partial void LogRefreshLost(ILogger logger, int count, SiloAddress silo, Exception reason);
}
