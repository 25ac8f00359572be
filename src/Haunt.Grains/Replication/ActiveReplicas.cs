using System.Collections.Concurrent;

namespace Haunt.Grains.Replication;

/// <summary>
/// The entity grains active on this silo. A grain registers before it reads its row and a batch notifies
/// after it commits, so an activation can never miss a change: either it read after the commit, or it was
/// registered in time to be told.
/// </summary>
public sealed class ActiveReplicas
{
    private readonly ConcurrentDictionary<(EntityType, string), byte> _active = new();

    public void Add(EntityType type, string id) => _active[(type, id)] = 0;

    public void Remove(EntityType type, string id) => _active.TryRemove((type, id), out _);

    public bool Contains(EntityType type, string id) => _active.ContainsKey((type, id));

    public int Count => _active.Count;
}
