namespace Haunt.Storage;

/// <summary>
/// Where a peer's sender stands in the outbox: for each priority, the highest seq it has taken into a batch (in flight
/// or acked). The next batch's rows are the ones after it in each priority — a range read of the (peer, priority, seq)
/// index per priority — instead of every row still pending read again and compared with the list of rows in flight
/// (up to <c>MaxChangesInFlight</c>, 20,000, on every read: a quarter of the store's time in the replicated bench).
/// Sound because a region's outbox seqs are committed in seq order (SQLite has one writer at a time; on PostgreSQL a
/// local commit takes the feed lock before it draws its seq): a row the sender has not seen cannot appear later below
/// a seq it has taken. Rows handed back unacked (a withdrawn batch, changes the peer refused) need <see cref="Rewind"/>.
/// </summary>
public sealed class OutboxCursor
{
    private readonly Dictionary<int, long> _taken = [];

    /// <summary>The highest seq of <paramref name="priority"/> taken so far (0: none).</summary>
    public long After(int priority) => _taken.GetValueOrDefault(priority);

    /// <summary>The row <paramref name="seq"/> of <paramref name="priority"/> went into a batch.</summary>
    public void Took(int priority, long seq)
    {
        if (seq > After(priority))
        {
            _taken[priority] = seq;
        }
    }

    /// <summary>Rows went back to pending: read from the start again (rows still in flight are then skipped by the sender).</summary>
    public void Rewind() => _taken.Clear();
}
