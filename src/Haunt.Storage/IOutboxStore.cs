namespace Haunt.Storage;

/// <summary>The outbox of a region's store: what each peer still needs, and its acks.</summary>
public interface IOutboxStore
{
    /// <summary>Raised after a commit that appended outbox rows (so the sync loop can flush at once).</summary>
    event Action? OutboxAppended;

    /// <summary>
    /// The next rows a peer still needs, in (priority, seq) order, skipping <paramref name="inFlight"/>
    /// (rows already sent in batches that wait for their ack).
    /// </summary>
    Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, IReadOnlyCollection<long>? inFlight = null, CancellationToken cancellationToken = default);

    /// <summary>Marks rows as delivered to <paramref name="peer"/>; rows every peer has are deleted.</summary>
    Task AckAsync(string peer, IReadOnlyList<long> seqs);

    Task<Backlog> BacklogAsync(string peer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The peer fell too far behind: mark it needs-snapshot and release its backlog (rows no other peer
    /// needs are deleted). It catches up by reconciliation instead. Returns the rows released.
    /// </summary>
    Task<long> ReleaseBacklogAsync(string peer);
}
