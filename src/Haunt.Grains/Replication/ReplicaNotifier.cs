namespace Haunt.Grains.Replication;

/// <summary>
/// Pushes freshly committed states into the grains active for them, on every silo of the region: those on
/// this silo are refreshed before the call returns; each other active silo gets the states in one one-way
/// message to its <see cref="ReplicaRefreshService"/>. One-way, so a silo that died but is not yet declared
/// dead cannot stall the sync loop; messages that overtake each other are harmless, since a grain keeps the
/// newer vector.
/// </summary>
public sealed class ReplicaNotifier(IGrainFactory grains, ActiveReplicas active, SiloRegion region, IClusterMembershipService membership,
    ILocalSiloDetails self, ReplicaRefreshClient others)
{
    public Task NotifyAsync(IReadOnlyList<EntityState> states, (EntityType Type, string Id)? except = null)
    {
        if (states.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var (silo, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active && !silo.Equals(self.SiloAddress))
            {
                others.On(silo).RefreshAsync(states).Ignore();
            }
        }

        return NotifyLocalAsync(states, except);
    }

    /// <summary>Refreshes the grains active on this silo only.</summary>
    public Task NotifyLocalAsync(IEnumerable<EntityState> states, (EntityType Type, string Id)? except = null)
    {
        List<Task>? calls = null;
        foreach (var state in states)
        {
            if ((state.Type, state.Id) == except || !active.Contains(state.Type, state.Id))
            {
                continue;
            }

            (calls ??= []).Add(grains.Replica(state.Type, region.Name, state.Id).RefreshAsync(state));
        }

        return calls is null ? Task.CompletedTask : Task.WhenAll(calls);
    }
}
