namespace Haunt.Replication.Deltas;

/// <summary>
/// The large outbox rows read lately, parsed, with the version each makes (a <see cref="DeltaBase"/>): every peer's
/// flush reads the same rows, and parsing a state of several KB and diffing it once per peer was the sender's cost.
/// Holds the last <c>capacity</c> rows.
/// </summary>
public sealed class RecentChanges(int capacity)
{
    private readonly Dictionary<long, (ChangeItem Item, DeltaBase? Next)> _bySeq = [];
    private readonly Queue<long> _order = new();

    public (ChangeItem Item, DeltaBase? Next) Of(OutboxRow row)
    {
        if (_bySeq.TryGetValue(row.Seq, out var known))
        {
            return known;
        }

        var item = row.Item;
        var parsed = (item, item.State.Deleted ? null : new DeltaBase(item.State.Vector, item.State.Payload));
        _bySeq[row.Seq] = parsed;
        _order.Enqueue(row.Seq);
        while (_order.Count > capacity)
        {
            _bySeq.Remove(_order.Dequeue());
        }

        return parsed;
    }
}
