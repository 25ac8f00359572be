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

    /// <summary>One digest per bucket ("" for an empty bucket), per type that has rows: sums the store keeps ready, no row read here.</summary>
    public async Task<Dictionary<EntityType, string[]>> DigestsAsync(int buckets)
    {
        var digests = new Dictionary<EntityType, string[]>();
        foreach (var info in EntityTypes.All)
        {
            var sums = await store.BucketSumsAsync(info.Type, buckets);
            if (sums.Count > 0)
            {
                digests[info.Type] = Enumerable.Range(0, buckets).Select(b => sums.GetValueOrDefault(b).Digest).ToArray();
            }
        }

        return digests;
    }

    /// <summary>The stamps of the differing buckets only, per type: what a round's repair request is built from.</summary>
    public async Task<Dictionary<EntityType, IReadOnlyList<HashedStamp>>> StampsAsync(IReadOnlyDictionary<EntityType, int[]> differing, int bucketCount)
    {
        var stamps = new Dictionary<EntityType, IReadOnlyList<HashedStamp>>();
        foreach (var (type, buckets) in differing)
        {
            stamps[type] = EntityTypes.IsDefined(type) ? await store.StampsInAsync(type, buckets, bucketCount) : [];
        }

        return stamps;
    }

    /// <summary>
    /// What one repair request asks about: the differing buckets, type by type and bucket by bucket, with the
    /// fingerprint of every version held in them, until <see cref="MaxHeldPerRequest"/> is reached (always at least one
    /// bucket), each type's buckets from <paramref name="startAt"/> on, round the ring. Truncated: some differing buckets
    /// were left for a later round.
    /// </summary>
    public static (Dictionary<EntityType, int[]> Buckets, Dictionary<EntityType, IReadOnlyDictionary<string, long>> Held, bool Truncated) Bounded(
        IReadOnlyDictionary<EntityType, IReadOnlyList<HashedStamp>> stamps, IReadOnlyDictionary<EntityType, int[]> differing, int bucketCount, int startAt = 0)
    {
        var (buckets, held, count) = (new Dictionary<EntityType, int[]>(), new Dictionary<EntityType, IReadOnlyDictionary<string, long>>(), 0);
        foreach (var (type, differs) in differing)
        {
            var byBucket = (stamps.GetValueOrDefault(type) ?? []).GroupBy(s => s.Bucket).ToDictionary(g => g.Key, g => g.ToList());
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
                inBucket.ForEach(stamp => fingerprints[stamp.Id] = stamp.Hash);
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
            if (theirs.TryGetValue(stamp.Id, out var fingerprint) && fingerprint == stamp.Hash)
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

    private async Task<IEnumerable<HashedStamp>> StampsInAsync(EntityType type, int[] buckets, int bucketCount) =>
        EntityTypes.IsDefined(type) ? InBuckets(await store.StampsInAsync(type, buckets, bucketCount), buckets) : [];

    /// <summary>
    /// The stamps in the named buckets, bucket by bucket in the order the asker named them. A round that ships only part
    /// of what differs then fills whole buckets first: the asker's other buckets stay empty or become complete, so its
    /// next request carries few fingerprints. Spread over every bucket, a joining region's snapshot soon held more than a
    /// request may name (Bounded) in each bucket, and each later round could ask about one bucket only.
    /// </summary>
    private static IEnumerable<HashedStamp> InBuckets(IReadOnlyList<HashedStamp> stamps, int[] buckets)
    {
        var byBucket = stamps.ToLookup(s => s.Bucket);
        return buckets.Distinct().SelectMany(bucket => byBucket[bucket]);
    }
}
