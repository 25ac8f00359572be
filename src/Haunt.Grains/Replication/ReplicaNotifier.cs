namespace Haunt.Grains.Replication;

/// <summary>Pushes freshly committed states into the grains that are active for them on this silo.</summary>
public sealed class ReplicaNotifier(IGrainFactory grains, ActiveReplicas active, SiloRegion region)
{
    public Task NotifyAsync(IEnumerable<EntityState> states, (EntityType Type, string Id)? except = null)
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
