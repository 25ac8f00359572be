namespace Haunt.Replication.Reconciliation;

/// <summary>Reads a region's side of an anti-entropy round from its store.</summary>
public sealed class Reconciler(IRegionalStore store)
{
    public const int MaxStatesPerResponse = 1000;

    /// <summary>The most ids one repair request may name per type; more are ignored (the next round finds them).</summary>
    public const int MaxIdsPerRequest = 200_000;

    public async Task<Dictionary<EntityType, string[]>> DigestsAsync(int buckets)
    {
        var digests = new Dictionary<EntityType, string[]>();
        foreach (var info in EntityTypes.All)
        {
            var stamps = await store.VersionsAsync(info.Type);
            if (stamps.Count > 0)
            {
                digests[info.Type] = BucketDigests.Compute(stamps, buckets);
            }
        }

        return digests;
    }

    /// <summary>The fingerprint of every version held in the named buckets of <paramref name="type"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<string, long>> HeldAsync(EntityType type, int[] buckets, int bucketCount)
    {
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var stamp in await StampsInAsync(type, buckets, bucketCount))
        {
            held[stamp.Id] = BucketDigests.Fingerprint(stamp);
        }

        return held;
    }

    /// <summary>
    /// Compares this region's versions in the named buckets with what the peer says it holds there: the ids whose
    /// states the peer should get from us (it lacks them or holds another version), and the ids we want from it
    /// (we lack them or hold another version). A concurrent pair is in both, so each side resolves it.
    /// </summary>
    public async Task<(List<string> Send, List<string> Want)> CompareAsync(
        EntityType type, int[] buckets, int bucketCount, IReadOnlyDictionary<string, long> theirs)
    {
        var send = new List<string>();
        var mine = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stamp in await StampsInAsync(type, buckets, bucketCount))
        {
            mine.Add(stamp.Id);
            if (!theirs.TryGetValue(stamp.Id, out var fingerprint) || fingerprint != BucketDigests.Fingerprint(stamp))
            {
                send.Add(stamp.Id);
            }
        }

        var sending = send.ToHashSet(StringComparer.Ordinal);
        var want = theirs.Keys.Where(id => !mine.Contains(id) || sending.Contains(id)).Take(MaxIdsPerRequest).ToList();
        return (send, want);
    }

    /// <summary>The stored states (tombstones included) of the named ids that exist here, as changes ready to apply.</summary>
    public async Task<List<ChangeItem>> StatesAsync(EntityType type, IEnumerable<string> ids)
    {
        var items = new List<ChangeItem>();
        if (!EntityTypes.IsDefined(type))
        {
            return items;
        }

        foreach (var chunk in ids.Take(MaxIdsPerRequest).Chunk(500))
        {
            foreach (var state in await store.ReadManyAsync(type, chunk))
            {
                items.Add(new ChangeItem(0, state.Deleted ? SyncOperation.Delete : SyncOperation.Update, state, state.ModifiedAt.WallMilliseconds));
            }
        }

        return items;
    }

    private async Task<IEnumerable<VersionStamp>> StampsInAsync(EntityType type, int[] buckets, int bucketCount)
    {
        if (!EntityTypes.IsDefined(type))
        {
            return [];
        }

        var set = buckets.ToHashSet();
        return (await store.VersionsAsync(type)).Where(s => set.Contains(BucketDigests.BucketOf(s.Id, bucketCount)));
    }
}
