namespace Haunt.Replication.Reconciliation;

/// <summary>Reads a region's side of an anti-entropy round from its store.</summary>
public sealed class Reconciler(IRegionalStore store)
{
    public const int MaxStatesPerResponse = 1000;

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

    /// <summary>Every stored state (tombstones included) in the named buckets, as changes ready to apply.</summary>
    public async Task<List<ChangeItem>> StatesInAsync(IReadOnlyDictionary<EntityType, int[]> buckets, int bucketCount)
    {
        var items = new List<ChangeItem>();
        foreach (var (type, wanted) in buckets)
        {
            if (!EntityTypes.IsDefined(type))
            {
                continue;
            }

            var set = wanted.ToHashSet();
            var ids = (await store.VersionsAsync(type)).Where(s => set.Contains(BucketDigests.BucketOf(s.Id, bucketCount))).Select(s => s.Id).ToList();
            foreach (var chunk in ids.Chunk(500))
            {
                foreach (var state in await store.ReadManyAsync(type, chunk))
                {
                    items.Add(new ChangeItem(0, state.Deleted ? SyncOperation.Delete : SyncOperation.Update, state, state.ModifiedAt.WallMilliseconds));
                }
            }
        }

        return items;
    }
}
