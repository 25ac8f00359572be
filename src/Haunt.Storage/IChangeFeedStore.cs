namespace Haunt.Storage;

/// <summary>
/// The change feed of a region's store (010_change_feed): every change it stored, its own writes and those applied
/// from peers, in the order it committed them, each with its whole state; kept until pruned by age.
/// </summary>
public interface IChangeFeedStore
{
    /// <summary>Raised after a commit that added changes to the feed (a local write or an applied batch), on this silo's store only.</summary>
    event Action? FeedAppended;

    /// <summary>
    /// The changes after <see cref="FeedQuery.AfterSeq"/> that match the query, in seq order, at most its limit.
    /// <see cref="FeedPage.LastSeq"/> is where the next read starts: past the changes the filters skipped too.
    /// </summary>
    Task<FeedPage> ChangesAsync(FeedQuery query, CancellationToken cancellationToken = default);

    /// <summary>The highest seq pruning removed and the latest handed out (0 when none).</summary>
    Task<FeedBounds> FeedBoundsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores where a consumer group stands (the last seq it processed), replacing what it stored before.</summary>
    Task SaveCheckpointAsync(string group, long seq, CancellationToken cancellationToken = default);

    /// <summary>A consumer group's checkpoint, or null if it stored none.</summary>
    Task<FeedCheckpoint?> CheckpointAsync(string group, CancellationToken cancellationToken = default);

    /// <summary>The checkpoints stored, by group name, at most <paramref name="limit"/> of those whose name starts with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<FeedCheckpoint>> CheckpointsAsync(string prefix, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// How far behind a reader at <paramref name="seq"/> is: the changes after it, and when the first of them was
    /// committed. Two index lookups, however far behind: the sync loop asks this for its metrics.
    /// </summary>
    Task<FeedLag> LagAfterAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every consumer group at once: how many stored a checkpoint, how many are behind and stored none since
    /// <paramref name="stuckBeforeMs"/>, and how far behind the one at the lowest seq is.
    /// </summary>
    Task<FeedGroupsLag> FeedGroupsLagAsync(long stuckBeforeMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the live (not deleted) states of one type in id order after <paramref name="afterId"/>, of one portfolio
    /// or of the portfolios one user owns if given (a portfolio counts as its own): what a consumer reads before it follows the feed.
    /// </summary>
    Task<IReadOnlyList<EntityState>> LiveStatesAsync(EntityType type, string afterId, int limit, string? portfolioId = null, string? owner = null,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes the changes committed before <paramref name="committedBeforeMs"/> (and, to keep the feed a prefix, any before them); returns how many.</summary>
    Task<long> PruneFeedAsync(long committedBeforeMs);
}
