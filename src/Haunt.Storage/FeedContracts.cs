namespace Haunt.Storage;

/// <summary>
/// A read of the change feed: after which seq, at most how many, and only of these types, of this portfolio, or of
/// the portfolios this user owns (a portfolio's own changes count as its).
/// </summary>
public sealed record FeedQuery(long AfterSeq, int Limit, IReadOnlyCollection<EntityType>? Types = null, string? PortfolioId = null, string? Owner = null);

/// <summary>One change as this region stored it: its place in this region's commit order, what it did, who wrote it, when this region committed it.</summary>
public sealed record FeedChange(long Seq, SyncOperation Operation, string OriginRegion, long CommittedAtMs, EntityState State);

/// <summary>A page of the feed, and the seq the next read starts after.</summary>
public sealed record FeedPage(IReadOnlyList<FeedChange> Changes, long LastSeq);

/// <summary>
/// The seqs of the feed: the latest handed out (the last pruned when nothing is left), and the highest pruning removed
/// (0 when none was): a reader that last saw a seq below that one has missed changes.
/// </summary>
public sealed record FeedBounds(long PrunedThrough, long LatestSeq);

/// <summary>Where a consumer group stands: the last seq it processed, stored at <see cref="UpdatedAtMs"/>.</summary>
public sealed record FeedCheckpoint(string Group, long Seq, long UpdatedAtMs);

/// <summary>
/// A reader's distance from the head of the feed: the seqs handed out after its own (on PostgreSQL a rolled-back
/// transaction can leave one unused and counted), and the commit time of the first change after it (null: none).
/// </summary>
public sealed record FeedLag(long Changes, long? OldestCommittedAtMs);

/// <summary>The consumer groups as a whole: how many, how many stuck, and how far behind the furthest behind is.</summary>
public sealed record FeedGroupsLag(long Groups, long Stuck, FeedLag Worst);
