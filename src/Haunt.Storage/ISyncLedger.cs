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

    /// <summary>
    /// (id, vector, deleted) of every row of a type, in id order, parsed: for checks that want the versions themselves.
    /// Reconciliation no longer reads it (<see cref="BucketSumsAsync"/> and <see cref="StampsInAsync"/> are what it reads).
    /// </summary>
    Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per bucket (id hash modulo <paramref name="buckets"/>) that holds rows of <paramref name="type"/>, what its rows'
    /// stamp hashes sum to: a bucket's digest, summed by the database over an index.
    /// </summary>
    Task<IReadOnlyDictionary<int, StampSum>> BucketSumsAsync(EntityType type, int buckets, CancellationToken cancellationToken = default);

    /// <summary>The id, bucket and stamp hash of every row of <paramref name="type"/> in the named buckets, in id order.</summary>
    Task<IReadOnlyList<HashedStamp>> StampsInAsync(EntityType type, IReadOnlyCollection<int> buckets, int bucketCount, CancellationToken cancellationToken = default);

    /// <summary>Appends a node_metrics row and prunes rows older than <paramref name="pruneBeforeMs"/>.</summary>
    Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs);

    /// <summary>
    /// Deletes conflict log rows detected before <paramref name="detectedBeforeMs"/> (the log's retention); returns how
    /// many. A pair delivered again after its row is gone is logged again.
    /// </summary>
    Task<long> PruneConflictsAsync(long detectedBeforeMs);
}
