using System.Collections.Concurrent;
using Haunt.Grains.Replication;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Test seam around a silo's refresh messages to the other silos of its region: passes them on, except that a
/// message naming an entity a test marked is lost on the way (the call fails, as towards a silo that died).
/// </summary>
public sealed class LossyRefreshClient(IReplicaRefreshClient inner) : IReplicaRefreshClient
{
    private readonly ConcurrentDictionary<string, byte> _lose = new(StringComparer.Ordinal);

    public void Lose(string entityId) => _lose[entityId] = 0;

    public void Deliver(string entityId) => _lose.TryRemove(entityId, out _);

    public IReplicaRefreshService On(SiloAddress silo) => new Lossy(this, inner.On(silo));

    private sealed class Lossy(LossyRefreshClient client, IReplicaRefreshService service) : IReplicaRefreshService
    {
        public Task RefreshAsync(IReadOnlyList<ReplicaChange> changes) => changes.Any(c => client._lose.ContainsKey(c.Id))
            ? Task.FromException(new TimeoutException("The refresh was lost on its way (test)."))
            : service.RefreshAsync(changes);
    }
}
