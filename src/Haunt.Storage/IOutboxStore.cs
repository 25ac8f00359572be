namespace Haunt.Storage;

/// <summary>The outbox of a region's store: what each peer still needs, and its acks.</summary>
public interface IOutboxStore
{
    /// <summary>Raised after a commit that appended outbox rows (so the sync loop can flush at once).</summary>
    event Action? OutboxAppended;

    /// <summary>
    /// The next rows a peer still needs, in (priority, seq) order: in each priority only those after the seq
    /// <paramref name="after"/> says the sender has taken (all of them without one).
    /// </summary>
    Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default);

    /// <summary>How many rows <see cref="PendingForPeerAsync"/> would return now, and their state JSON's length, without reading them.</summary>
    Task<PendingSize> PendingSizeAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default);

    /// <summary>Marks rows as delivered to <paramref name="peer"/>; rows every peer has are deleted.</summary>
    Task AckAsync(string peer, IReadOnlyList<long> seqs);

    Task<Backlog> BacklogAsync(string peer, CancellationToken cancellationToken = default);

    /// <summary>
    /// An upper bound on the rows <see cref="BacklogAsync"/> would count, read from two index ends instead of a pass over
    /// the rows: the seqs from the lowest the peer still needs to the last one written (0 when it needs none).
    /// </summary>
    Task<long> PendingSpanAsync(string peer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The peer fell too far behind: mark it needs-snapshot and release its backlog (rows no other peer
    /// needs are deleted). It catches up by reconciliation instead. Returns the rows released.
    /// </summary>
    Task<long> ReleaseBacklogAsync(string peer);
}
