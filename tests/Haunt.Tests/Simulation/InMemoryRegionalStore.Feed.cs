namespace Haunt.Tests.Simulation;

// The change feed, as the SQL store keeps it: a row per stored change in commit order, read by seq, pruned by age.
public sealed partial class InMemoryRegionalStore
{
    private readonly List<FeedChange> _feed = [];

    /// <summary>Not raised: the simulation's readers of the feed read it when they like.</summary>
    public event Action? FeedAppended { add { } remove { } }
    private long _feedSeq;
    private long _feedPrunedThrough;

    public Task<FeedPage> ChangesAsync(FeedQuery query, CancellationToken cancellationToken = default) => Run(() =>
    {
        var bound = _feedSeq;
        var owned = query.Owner is { } owner
            ? _rows.Values.Where(r => r.Type == EntityType.Portfolio && StateJson.Deserialize<Portfolio>(r.Payload).Owner == owner).Select(r => r.Id).ToHashSet()
            : null;
        var changes = _feed.Where(c => c.Seq > query.AfterSeq
                && (query.Types is not { Count: > 0 } types || types.Contains(c.State.Type))
                && (query.PortfolioId is null || PortfolioOf(c.State) == query.PortfolioId)
                && (owned is null || (PortfolioOf(c.State) is { } p && owned.Contains(p))))
            .Take(query.Limit).ToList();
        return new FeedPage(changes, changes.Count == query.Limit ? changes[^1].Seq : Math.Max(bound, query.AfterSeq));
    });

    public Task<FeedBounds> FeedBoundsAsync(CancellationToken cancellationToken = default) => Task.FromResult(new FeedBounds(_feedPrunedThrough, _feedSeq)); // seqs are never reused: the latest is at least the last pruned

    public Task<long> PruneFeedAsync(long committedBeforeMs) => Run(() =>
    {
        if (_feed.FindLastIndex(c => c.CommittedAtMs < committedBeforeMs) is var last and >= 0)
        {
            _feedPrunedThrough = Math.Max(_feedPrunedThrough, _feed[last].Seq);
            _feed.RemoveRange(0, last + 1);
            return (long)(last + 1);
        }

        return 0L;
    });

    private readonly SortedDictionary<string, FeedCheckpoint> _checkpoints = new(StringComparer.Ordinal);

    public Task SaveCheckpointAsync(string group, long seq, CancellationToken cancellationToken = default) => Run(() =>
    {
        _checkpoints[group] = new FeedCheckpoint(group, seq, nowMs());
        return true;
    });

    public Task<FeedCheckpoint?> CheckpointAsync(string group, CancellationToken cancellationToken = default) =>
        Task.FromResult(_checkpoints.GetValueOrDefault(group));

    public Task<IReadOnlyList<FeedCheckpoint>> CheckpointsAsync(string prefix, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<FeedCheckpoint>>(_checkpoints.Values.Where(c => c.Group.StartsWith(prefix, StringComparison.Ordinal)).Take(limit).ToList());

    public Task<FeedLag> LagAfterAsync(long seq, CancellationToken cancellationToken = default) =>
        Task.FromResult(new FeedLag(Math.Max(0, (_feed.Count == 0 ? 0 : _feed[^1].Seq) - seq), _feed.FirstOrDefault(c => c.Seq > seq)?.CommittedAtMs));

    public async Task<FeedGroupsLag> FeedGroupsLagAsync(long stuckBeforeMs, CancellationToken cancellationToken = default)
    {
        var latest = _feed.Count == 0 ? 0 : _feed[^1].Seq;
        var groups = _checkpoints.Values.ToList();
        return new FeedGroupsLag(groups.Count, groups.Count(g => g.UpdatedAtMs < stuckBeforeMs && g.Seq < latest),
            groups.Count == 0 ? new FeedLag(0, null) : await LagAfterAsync(groups.Min(g => g.Seq), cancellationToken));
    }

    public Task<IReadOnlyList<EntityState>> LiveStatesAsync(EntityType type, string afterId, int limit, string? portfolioId = null, string? owner = null,
        CancellationToken cancellationToken = default)
    {
        var owned = owner is null ? null : _rows.Values.Where(r => r.Type == EntityType.Portfolio && StateJson.Deserialize<Portfolio>(r.Payload).Owner == owner).Select(r => r.Id).ToHashSet();
        return Task.FromResult<IReadOnlyList<EntityState>>(_rows.Values
            .Where(r => r.Type == type && !r.Deleted && string.CompareOrdinal(r.Id, afterId) > 0
                && (portfolioId is null || PortfolioOf(r) == portfolioId) && (owned is null || (PortfolioOf(r) is { } p && owned.Contains(p))))
            .OrderBy(r => r.Id, StringComparer.Ordinal).Take(limit).ToList());
    }

    private void AppendFeed(LocalWrite write, long now) =>
        _feed.Add(new FeedChange(++_feedSeq, write.Operation, write.State.ModifiedBy, now, write.State));

    private static string? PortfolioOf(EntityState state) => state.PortfolioId ?? (state.Type == EntityType.Portfolio ? state.Id : null);
}
