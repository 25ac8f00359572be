namespace Haunt.Storage;

/// <summary>What operators read of a region's store: the conflict log, the digest, the queue, the metrics history.</summary>
public interface IOperatorQueries
{
    Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(long after, int limit, CancellationToken cancellationToken = default);

    Task<long> ConflictCountAsync(CancellationToken cancellationToken = default);

    Task<RegionDigest> DigestAsync(CancellationToken cancellationToken = default);

    /// <summary>Outbox rows after <paramref name="afterSeq"/> in seq order, all or only those pending for a peer.</summary>
    Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit, CancellationToken cancellationToken = default);
}
