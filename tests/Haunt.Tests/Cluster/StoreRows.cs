namespace Haunt.Tests.Cluster;

/// <summary>
/// Every row of a region's store, payload included, read through the store: what a digest (ids, vectors,
/// tombstones) does not cover, so that a payload changed without a new vector shows up.
/// </summary>
public static class StoreRows
{
    public static async Task<IReadOnlyDictionary<(EntityType Type, string Id), EntityState>> ReadAllAsync(IRegionalStore store)
    {
        var rows = new Dictionary<(EntityType, string), EntityState>();
        foreach (var info in EntityTypes.All)
        {
            var ids = (await store.VersionsAsync(info.Type)).Select(v => v.Id).ToList();
            foreach (var row in ids.Count == 0 ? [] : await store.ReadManyAsync(info.Type, ids))
            {
                rows[(row.Type, row.Id)] = row;
            }
        }

        return rows;
    }

    /// <summary>The rows added, removed or changed in any column between two reads, described for a failure message.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<(EntityType Type, string Id), EntityState> before,
        IReadOnlyDictionary<(EntityType Type, string Id), EntityState> after) =>
        [.. before.Keys.Union(after.Keys)
            .Where(key => before.GetValueOrDefault(key) != after.GetValueOrDefault(key))
            .Select(key => $"{key.Type} {key.Id}: {Describe(before.GetValueOrDefault(key))} became {Describe(after.GetValueOrDefault(key))}")];

    private static string Describe(EntityState? row) => row is null ? "(none)"
        : $"{row.Vector} deleted={row.Deleted} by {row.ModifiedBy} at {row.ModifiedAt} {row.Payload[..Math.Min(row.Payload.Length, 200)]}";
}
