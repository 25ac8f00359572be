namespace Haunt.Storage;

/// <summary>The entity side of a region's store: what the entity grains read and write.</summary>
public interface IEntityStore
{
    string Region { get; }

    /// <summary>Commits all writes and their outbox rows in one transaction, or none if any version moved.</summary>
    Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes);

    Task<EntityState?> ReadAsync(EntityType type, string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, CancellationToken cancellationToken = default);

    /// <summary>One page of a portfolio's live rows of a type, in id order: at most <paramref name="limit"/>, ids after <paramref name="afterId"/> (null: from the first).</summary>
    Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, string? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many live portfolios this region holds for <paramref name="owner"/>, from every region (the per-user quota).</summary>
    Task<int> CountPortfoliosOwnedByAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> rows of a type (tombstones too) whose recorded home is one of <paramref name="homes"/> (a leaving region hands them over).</summary>
    Task<IReadOnlyList<EntityState>> HomedInAsync(EntityType type, IReadOnlyCollection<string> homes, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}
