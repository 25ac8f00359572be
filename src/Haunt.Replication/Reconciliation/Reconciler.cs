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

    /// <summary>The raw JSON bytes of states one repair response carries at most: as many as a live batch.</summary>
    public const int MaxStateBytesPerResponse = BatchCodec.MaxStateBytes;

    /// <summary>Per type that has rows, the sums of each of its <paramref name="buckets"/> buckets: kept ready by the store, no row read here.</summary>
    public async Task<Dictionary<EntityType, StampSum[]>> SumsAsync(int buckets)
    {
        var sums = new Dictionary<EntityType, StampSum[]>();
        foreach (var info in EntityTypes.All)
        {
            var held = await store.BucketSumsAsync(info.Type, buckets);
            if (held.Count > 0)
            {
                sums[info.Type] = Enumerable.Range(0, buckets).Select(b => held.GetValueOrDefault(b)).ToArray();
            }
        }

        return sums;
    }

    /// <summary>One digest per bucket ("" for an empty bucket), per type that has rows.</summary>
    public async Task<Dictionary<EntityType, string[]>> DigestsAsync(int buckets) => Digests(await SumsAsync(buckets));

    public static Dictionary<EntityType, string[]> Digests(IReadOnlyDictionary<EntityType, StampSum[]> sums) =>
        sums.ToDictionary(s => s.Key, s => s.Value.Select(b => b.Digest).ToArray());

    /// <summary>
    /// The differing buckets one repair request can carry the fingerprints of, type by type and bucket by bucket, each
    /// type's from <paramref name="startAt"/> on round the ring, judged by how many rows each holds here (its sums),
    /// until <see cref="MaxHeldPerRequest"/> (always at least one bucket). Only these buckets' stamps are read: under
    /// live writes every bucket differs, and reading them all to send a few was most of a round's cost. More: some
    /// differing buckets were left for a later round.
    /// </summary>
    public static (Dictionary<EntityType, int[]> Buckets, bool More) Affordable(
        IReadOnlyDictionary<EntityType, int[]> differing, IReadOnlyDictionary<EntityType, StampSum[]> mine, int bucketCount, int startAt = 0)
    {
        var (chosen, count) = (new Dictionary<EntityType, int[]>(), 0L);
        foreach (var (type, differs) in differing)
        {
            var rows = mine.GetValueOrDefault(type);
            var asked = new List<int>();
            foreach (var bucket in differs.OrderBy(b => (b - startAt + bucketCount) % bucketCount))
            {
                var held = rows is not null && bucket >= 0 && bucket < rows.Length ? rows[bucket].Rows : 0;
                if (count > 0 && count + held > MaxHeldPerRequest)
                {
                    Keep(type, asked);
                    return (chosen, true);
                }

                asked.Add(bucket);
                count += held;
            }

            Keep(type, asked);
        }

        return (chosen, false);

        void Keep(EntityType type, List<int> asked)
        {
            if (asked.Count > 0)
            {
                chosen[type] = [.. asked];
            }
        }
    }

    /// <summary>The stamps of the named buckets only, per type: what a round's repair request is built from.</summary>
    public async Task<Dictionary<EntityType, IReadOnlyList<HashedStamp>>> StampsAsync(IReadOnlyDictionary<EntityType, int[]> buckets, int bucketCount)
    {
        var stamps = new Dictionary<EntityType, IReadOnlyList<HashedStamp>>();
        foreach (var (type, named) in buckets)
        {
            stamps[type] = EntityTypes.IsDefined(type) ? await store.StampsInAsync(type, named, bucketCount) : [];
        }

        return stamps;
    }

    /// <summary>
    /// What one repair request asks about: the <paramref name="asked"/> buckets in their order, with the fingerprint
    /// (stamp hash) of every version held in them, until <see cref="MaxHeldPerRequest"/> is reached (always at least one
    /// bucket): rows written since the sums were read may not fit. Truncated: some asked buckets were left out.
    /// </summary>
    public static (Dictionary<EntityType, int[]> Buckets, Dictionary<EntityType, IReadOnlyDictionary<string, long>> Held, bool Truncated) Bounded(
        IReadOnlyDictionary<EntityType, IReadOnlyList<HashedStamp>> stamps, IReadOnlyDictionary<EntityType, int[]> asked)
    {
        var (buckets, held, count) = (new Dictionary<EntityType, int[]>(), new Dictionary<EntityType, IReadOnlyDictionary<string, long>>(), 0);
        foreach (var (type, named) in asked)
        {
            var byBucket = (stamps.GetValueOrDefault(type) ?? []).GroupBy(s => s.Bucket).ToDictionary(g => g.Key, g => g.ToList());
            var (kept, fingerprints) = (new List<int>(), new Dictionary<string, long>(StringComparer.Ordinal));
            foreach (var bucket in named)
            {
                var inBucket = byBucket.GetValueOrDefault(bucket) ?? [];
                if (count > 0 && count + inBucket.Count > MaxHeldPerRequest)
                {
                    Keep(type, kept, fingerprints);
                    return (buckets, held, true);
                }

                kept.Add(bucket);
                inBucket.ForEach(stamp => fingerprints[stamp.Id] = stamp.Hash);
                count += inBucket.Count;
            }

            Keep(type, kept, fingerprints);
        }

        return (buckets, held, false);

        void Keep(EntityType type, List<int> kept, Dictionary<string, long> fingerprints)
        {
            if (kept.Count > 0)
            {
                (buckets[type], held[type]) = ([.. kept], fingerprints);
            }
        }
    }

    /// <summary>
    /// Compares this region's versions in the named buckets with what the peer says it holds there: the ids whose
    /// states the peer should get from us (it lacks them or holds another version), and the ids we want from it
    /// (we lack them or hold another version). A concurrent pair is in both, so each side resolves it. Ours written
    /// after <paramref name="settledBefore"/> (wall ms) are not sent: the live path is delivering them, and their states
    /// are not read only to be dropped (LeftInFlight counts them).
    /// </summary>
    public async Task<(List<string> Send, List<string> Want, int LeftInFlight)> CompareAsync(
        EntityType type, int[] buckets, int bucketCount, IReadOnlyDictionary<string, long> theirs, long? settledBefore = null)
    {
        var send = new List<string>();
        var same = new HashSet<string>(StringComparer.Ordinal);
        var leftInFlight = 0;
        foreach (var stamp in await StampsInAsync(type, buckets, bucketCount))
        {
            if (theirs.TryGetValue(stamp.Id, out var fingerprint) && fingerprint == stamp.Hash)
            {
                same.Add(stamp.Id);
            }
            else if (stamp.ModifiedAtMs > settledBefore)
            {
                leftInFlight++;
            }
            else
            {
                send.Add(stamp.Id);
            }
        }

        var want = theirs.Keys.Where(id => !same.Contains(id)).Take(MaxIdsPerRequest).ToList();
        return (send, want, leftInFlight);
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
