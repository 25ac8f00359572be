namespace Haunt.Replication.Deltas;

/// <summary>
/// The bases kept for one peer: per large entity, the last version this region sent it or saw it hold, least recently
/// used first out once their payloads pass <c>capacityBytes</c> (Haunt:Sync:DeltaWindowBytes). Kept in memory only: a
/// restarted sync loop starts empty and sends each entity whole once. A base is a belief, not a fact (a batch may be
/// lost, a peer may hold a concurrent version): the peer checks it and refuses a delta whose base it does not hold.
/// </summary>
public sealed class DeltaWindow(long capacityBytes)
{
    private readonly Dictionary<EntityRef, LinkedListNode<(EntityRef Entity, DeltaBase Base)>> _index = [];
    private readonly LinkedList<(EntityRef Entity, DeltaBase Base)> _order = new();

    /// <summary>Payload characters held.</summary>
    public long Bytes { get; private set; }

    public int Count => _index.Count;

    public DeltaBase? Find(EntityRef entity)
    {
        if (!_index.TryGetValue(entity, out var node))
        {
            return null;
        }

        _order.Remove(node);
        _order.AddLast(node);
        return node.Value.Base;
    }

    public void Remember(EntityRef entity, DeltaBase state)
    {
        Forget(entity);
        if (state.Payload.Length > capacityBytes)
        {
            return;
        }

        _index[entity] = _order.AddLast((entity, state));
        Bytes += state.Payload.Length;
        while (Bytes > capacityBytes && _order.First is { } oldest)
        {
            Forget(oldest.Value.Entity);
        }
    }

    public void Forget(EntityRef entity)
    {
        if (_index.Remove(entity, out var node))
        {
            _order.Remove(node);
            Bytes -= node.Value.Base.Payload.Length;
        }
    }

    public void Clear()
    {
        _index.Clear();
        _order.Clear();
        Bytes = 0;
    }
}
