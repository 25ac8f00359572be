namespace Haunt.Replication.Reconciliation;

/// <summary>Reads a region's side of an anti-entropy round from its store.</summary>
public sealed class Reconciler(IRegionalStore store)
{
    public const int MaxStatesPerResponse = 1000;

    /// <summary>
    /// The most version fingerprints one repair request carries, over all its types (about 45 bytes each: some
    /// 400 KB). Every sync message must fit the stream's cache blocks (1 MB): a 2.7 MB request at 100K entities
    /// per region once stuck the stream queue it was on, and all replication behind it. A round whose differing
    /// buckets hold more asks about the first buckets only and is followed by another (<see cref="Bounded"/>).
    /// </summary>
    public const int MaxHeldPerRequest = 8_000;

    /// <summary>The most ids one repair request may name per type; more are ignored (the next round finds them).</summary>
    public const int MaxIdsPerRequest = MaxHeldPerRequest;

    /// <summary>The raw JSON bytes of states one repair response carries at most (compressed, well under the 1 MB a message may have).</summary>
    public const int MaxStateBytesPerResponse = 512 * 1024;

    /// <summary>(id, vector, deleted) of every row, per type that has rows: one read of the store for a whole round's side.</summary>
    public async Task<Dictionary<EntityType, IReadOnlyList<VersionStamp>>> VersionsAsync()
    {
        var versions = new Dictionary<EntityType, IReadOnlyList<VersionStamp>>();
        foreach (var info in EntityTypes.All)
        {
            var stamps = await store.VersionsAsync(info.Type);
            if (stamps.Count > 0)
            {
                versions[info.Type] = stamps;
            }
        }

        return versions;
    }

    public async Task<Dictionary<EntityType, string[]>> DigestsAsync(int buckets) => Digests(await VersionsAsync(), buckets);

    public static Dictionary<EntityType, string[]> Digests(IReadOnlyDictionary<EntityType, IReadOnlyList<VersionStamp>> versions, int buckets) =>
        versions.ToDictionary(v => v.Key, v => BucketDigests.Compute(v.Value, buckets));

    /// <summary>
    /// What one repair request asks about: the differing buckets, type by type and bucket by bucket, with the
    /// fingerprint of every version held in them, until <see cref="MaxHeldPerRequest"/> is reached (always at least one
    /// bucket), each type's buckets from <paramref name="startAt"/> on, round the ring. Truncated: some differing buckets
    /// were left for a later round.
    /// </summary>
    public static (Dictionary<EntityType, int[]> Buckets, Dictionary<EntityType, IReadOnlyDictionary<string, long>> Held, bool Truncated) Bounded(
        IReadOnlyDictionary<EntityType, IReadOnlyList<VersionStamp>> versions, IReadOnlyDictionary<EntityType, int[]> differing, int bucketCount, int startAt = 0)
    {
        var (buckets, held, count) = (new Dictionary<EntityType, int[]>(), new Dictionary<EntityType, IReadOnlyDictionary<string, long>>(), 0);
        foreach (var (type, differs) in differing)
        {
            var byBucket = (versions.GetValueOrDefault(type) ?? []).GroupBy(s => BucketDigests.BucketOf(s.Id, bucketCount)).ToDictionary(g => g.Key, g => g.ToList());
            var (asked, fingerprints) = (new List<int>(), new Dictionary<string, long>(StringComparer.Ordinal));
            foreach (var bucket in differs.OrderBy(b => (b - startAt + bucketCount) % bucketCount))
            {
                var inBucket = byBucket.GetValueOrDefault(bucket) ?? [];
                if (count > 0 && count + inBucket.Count > MaxHeldPerRequest)
                {
                    Keep(type, asked, fingerprints);
                    return (buckets, held, true);
                }

                asked.Add(bucket);
                inBucket.ForEach(stamp => fingerprints[stamp.Id] = BucketDigests.Fingerprint(stamp));
                count += inBucket.Count;
            }

            Keep(type, asked, fingerprints);
        }

        return (buckets, held, false);

        void Keep(EntityType type, List<int> asked, Dictionary<string, long> fingerprints)
        {
            if (asked.Count > 0)
            {
                (buckets[type], held[type]) = ([.. asked], fingerprints);
            }
        }
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
        var same = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stamp in await StampsInAsync(type, buckets, bucketCount))
        {
            if (theirs.TryGetValue(stamp.Id, out var fingerprint) && fingerprint == BucketDigests.Fingerprint(stamp))
            {
                same.Add(stamp.Id);
            }
            else
            {
                send.Add(stamp.Id);
            }
        }

        var want = theirs.Keys.Where(id => !same.Contains(id)).Take(MaxIdsPerRequest).ToList();
        return (send, want);
    }

    /// <summary>The stored states (tombstones included) of the named ids that exist here, as changes ready to apply, read in chunks of 500 ids.</summary>
    public async IAsyncEnumerable<ChangeItem> StatesAsync(EntityType type, IEnumerable<string> ids)
    {
        if (!EntityTypes.IsDefined(type))
        {
            yield break;
        }

        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var state in await store.ReadManyAsync(type, chunk))
            {
                yield return new ChangeItem(0, state.Deleted ? SyncOperation.Delete : SyncOperation.Update, state, state.ModifiedAt.WallMilliseconds);
            }
        }
    }

    private async Task<IEnumerable<VersionStamp>> StampsInAsync(EntityType type, int[] buckets, int bucketCount) =>
        EntityTypes.IsDefined(type) ? InBuckets(await store.VersionsAsync(type), buckets, bucketCount) : [];

    /// <summary>
    /// The stamps in the named buckets, bucket by bucket in the order the asker named them. A round that ships only part
    /// of what differs then fills whole buckets first: the asker's other buckets stay empty or become complete, so its
    /// next request carries few fingerprints. Spread over every bucket, a joining region's snapshot soon held more than a
    /// request may name (Bounded) in each bucket, and each later round could ask about one bucket only.
    /// </summary>
    private static IEnumerable<VersionStamp> InBuckets(IReadOnlyList<VersionStamp> stamps, int[] buckets, int bucketCount)
    {
        var byBucket = stamps.ToLookup(s => BucketDigests.BucketOf(s.Id, bucketCount));
        return buckets.Distinct().SelectMany(bucket => byBucket[bucket]);
    }
}
