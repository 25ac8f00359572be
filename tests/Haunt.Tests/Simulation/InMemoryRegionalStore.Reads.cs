namespace Haunt.Tests.Simulation;

// Reads, conflicts and metrics, in the orders and forms SqlRegionalStore returns them.
public sealed partial class InMemoryRegionalStore
{
    public Task<EntityState?> ReadAsync(EntityType type, string id, CancellationToken cancellationToken = default) => Task.FromResult(_rows.GetValueOrDefault((type, id)));

    public Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, CancellationToken cancellationToken = default) =>
        ListByPortfolioAsync(type, portfolioId, null, int.MaxValue, cancellationToken);

    public Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, string? afterId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<EntityState>>(_rows.Values
            .Where(s => s.Type == type && s.PortfolioId == portfolioId && !s.Deleted && string.CompareOrdinal(s.Id, afterId ?? "") > 0)
            .OrderBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList());

    public Task<IReadOnlyList<EntityState>> HomedInAsync(EntityType type, IReadOnlyCollection<string> homes, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<EntityState>>(_rows.Values.Where(s => s.Type == type && homes.Contains(s.HomeRegion)).Take(limit).ToList());

    public Task<int> CountPortfoliosOwnedByAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.Values.Count(s => PortfolioOwners.Of(s) == owner));

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ConflictRecord>>(_conflicts.Where(c => c.Id > after).Take(limit).ToList());

    public Task<long> ConflictCountAsync(CancellationToken cancellationToken = default) => Task.FromResult((long)_conflicts.Count);

    public Task<RegionDigest> DigestAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(RegionDigest.Of(EntityTypes.All.ToDictionary(i => i.Type, i => Sum(_rows.Values.Where(s => s.Type == i.Type)))));

    public Task<IReadOnlyDictionary<int, StampSum>> BucketSumsAsync(EntityType type, int buckets, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<int, StampSum>>(_rows.Values.Where(s => s.Type == type)
            .GroupBy(s => StampHash.BucketOf(StampHash.OfId(s.Id), buckets)).ToDictionary(g => g.Key, g => Sum(g)));

    public Task<IReadOnlyList<HashedStamp>> StampsInAsync(EntityType type, IReadOnlyCollection<int> buckets, int bucketCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<HashedStamp>>(_rows.Values.Where(s => s.Type == type).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new HashedStamp(s.Id, StampHash.BucketOf(StampHash.OfId(s.Id), bucketCount), StampHash.Of(s), s.ModifiedAt.WallMilliseconds))
            .Where(s => buckets.Contains(s.Bucket)).ToList());

    private static StampSum Sum(IEnumerable<EntityState> states) =>
        states.Aggregate(default(StampSum), (sum, s) => sum.Add(StampSum.Of(StampHash.Of(s), s.Deleted)));

    public Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<VersionStamp>>(_rows.Values.Where(s => s.Type == type).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new VersionStamp(s.Id, s.Vector, s.Deleted)).ToList());

    private long _statesReadMany;

    /// <summary>States <see cref="ReadManyAsync"/> has returned so far (what a repair round reads to ship).</summary>
    public long StatesReadMany => Interlocked.Read(ref _statesReadMany);

    /// <summary>The stored ones of <paramref name="ids"/>, each once, in id order (as SELECT ... WHERE id IN (...) ORDER BY id).</summary>
    public Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var states = ids.Distinct().Select(id => _rows.GetValueOrDefault((type, id))).OfType<EntityState>().OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        Interlocked.Add(ref _statesReadMany, states.Count);
        return Task.FromResult<IReadOnlyList<EntityState>>(states);
    }

    public Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs) => Run(() =>
    {
        _metrics.Add(new MetricsRow(++_metricsId, Region, atMs, metricsJson));
        _metrics.RemoveAll(m => m.RecordedAtMs < pruneBeforeMs);
    });

    public Task<long> PruneConflictsAsync(long detectedBeforeMs) => Run(() =>
    {
        foreach (var pruned in _conflicts.Where(c => c.DetectedAtMs < detectedBeforeMs))
        {
            // As the SQL store's unique pair_key goes with its row, a pair delivered again is logged again.
            _pairs.Remove((pruned.EntityType, pruned.EntityId, PairKey(VersionVector.Parse(pruned.LocalVector), VersionVector.Parse(pruned.RemoteVector))));
        }

        return (long)_conflicts.RemoveAll(c => c.DetectedAtMs < detectedBeforeMs);
    });

    public Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<MetricsRow>>(_metrics.Where(m => m.RecordedAtMs >= sinceMs).OrderBy(m => m.RecordedAtMs).Take(limit).ToList());
}
