namespace Haunt.Storage;

/// <summary>The sync bookkeeping of a region's store: remote applies, per-peer state, reconciliation input, metrics rows.</summary>
public interface ISyncLedger
{
    /// <summary>
    /// Applies a batch from <paramref name="origin"/> in one transaction through <paramref name="resolver"/>; a
    /// duplicate or stale change is ignored because its vector is dominated or equal. The highest seq applied
    /// per origin is recorded in the same transaction, for operators (<see cref="PeerStateAsync"/>).
    /// </summary>
    Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver);

    Task<PeerState> PeerStateAsync(string peer, CancellationToken cancellationToken = default);

    Task ClearNeedsSnapshotAsync(string peer);

    /// <summary>(id, vector, deleted) of every row of a type, in id order: the input of reconciliation.</summary>
    Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type, CancellationToken cancellationToken = default);

    /// <summary>Appends a node_metrics row and prunes rows older than <paramref name="pruneBeforeMs"/>.</summary>
    Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs);

    /// <summary>
    /// Deletes conflict log rows detected before <paramref name="detectedBeforeMs"/> (the log's retention); returns how
    /// many. A pair delivered again after its row is gone is logged again.
    /// </summary>
    Task<long> PruneConflictsAsync(long detectedBeforeMs);
}
