namespace Haunt.Replication.Reconciliation;

/// <summary>
/// Anti-entropy digests: the rows of an entity type are spread over a fixed number of buckets by a stable hash of
/// the id (<see cref="StampHash.OfId"/>), and each bucket is summarised by the count and sums of its rows' stamp
/// hashes (<see cref="StampSum"/>), which the store adds up. Two regions compare bucket by bucket and exchange only
/// the rows of buckets that differ.
/// </summary>
public static class BucketDigests
{
    /// <summary>The buckets, per type, whose digests differ between two regions (a type one side lacks counts whole).</summary>
    public static Dictionary<EntityType, int[]> Differences(
        IReadOnlyDictionary<EntityType, string[]> mine, IReadOnlyDictionary<EntityType, string[]> theirs, int buckets)
    {
        var empty = new string[buckets];
        Array.Fill(empty, "");
        var result = new Dictionary<EntityType, int[]>();
        foreach (var type in mine.Keys.Union(theirs.Keys))
        {
            var a = mine.GetValueOrDefault(type) ?? empty;
            var b = theirs.GetValueOrDefault(type) ?? empty;
            if (a.Length != buckets || b.Length != buckets)
            {
                continue; // a malformed response: ignore this type rather than repair at random
            }

            var differing = Enumerable.Range(0, buckets).Where(i => a[i] != b[i]).ToArray();
            if (differing.Length > 0)
            {
                result[type] = differing;
            }
        }

        return result;
    }
}
