namespace Haunt.Storage;

/// <summary>
/// The durable copy of one region: entity tables plus the sync tables. Writes are atomic with their outbox
/// rows; remote batches apply in one transaction.
/// </summary>
public interface IRegionalStore : IAsyncDisposable
{
    string Region { get; }

    /// <summary>Raised after a commit that appended outbox rows (so the sync loop can flush at once).</summary>
    event Action? OutboxAppended;

    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Commits all writes and their outbox rows in one transaction, or none if any version moved.</summary>
    Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes);

    /// <summary>
    /// Applies a batch from <paramref name="origin"/> in one transaction through <paramref name="resolver"/>; a
    /// duplicate or stale change is ignored because its vector is dominated or equal. The highest seq applied
    /// per origin is recorded in the same transaction, for operators (<see cref="PeerStateAsync"/>).
    /// </summary>
    Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver);

    Task<EntityState?> ReadAsync(EntityType type, string id);

    Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId);

    /// <summary>
    /// The next rows a peer still needs, in (priority, seq) order, skipping <paramref name="inFlight"/>
    /// (rows already sent in batches that wait for their ack).
    /// </summary>
    Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, IReadOnlyCollection<long>? inFlight = null);

    /// <summary>Marks rows as delivered to <paramref name="peer"/>; rows every peer has are deleted.</summary>
    Task AckAsync(string peer, IReadOnlyList<long> seqs);

    Task<Backlog> BacklogAsync(string peer);

    Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(long after, int limit);

    Task<RegionDigest> DigestAsync();

    Task<long> ConflictCountAsync();

    /// <summary>(id, vector, deleted) of every row of a type, in id order: the input of reconciliation.</summary>
    Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type);

    Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids);

    /// <summary>Outbox rows after <paramref name="afterSeq"/> in seq order, all or only those pending for a peer.</summary>
    Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit);

    Task<PeerState> PeerStateAsync(string peer);

    /// <summary>
    /// The peer fell too far behind: mark it needs-snapshot and release its backlog (rows no other peer
    /// needs are deleted). It catches up by reconciliation instead. Returns the rows released.
    /// </summary>
    Task<long> ReleaseBacklogAsync(string peer);

    Task ClearNeedsSnapshotAsync(string peer);

    /// <summary>Appends a node_metrics row and prunes rows older than <paramref name="pruneBeforeMs"/>.</summary>
    Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs);

    Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit);
}
