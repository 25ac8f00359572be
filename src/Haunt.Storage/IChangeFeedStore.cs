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

    /// <summary>Deletes the changes committed before <paramref name="committedBeforeMs"/> (and, to keep the feed a prefix, any before them); returns how many.</summary>
    Task<long> PruneFeedAsync(long committedBeforeMs);
}
