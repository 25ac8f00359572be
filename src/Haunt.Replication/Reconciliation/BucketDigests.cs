using System.Security.Cryptography;
using System.Text;

namespace Haunt.Replication.Reconciliation;

/// <summary>
/// Anti-entropy digests: the rows of an entity type are spread over a fixed number of buckets by a stable
/// hash of the id, and each bucket is summarised by SHA-256 over its (id, vector, deleted) in id order.
/// Two regions compare bucket by bucket and exchange only the rows of buckets that differ.
/// </summary>
public static class BucketDigests
{
    /// <summary>FNV-1a of the id: stable across processes and platforms (string.GetHashCode is not).</summary>
    public static int BucketOf(string id, int buckets)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)buckets);
    }

    /// <summary>
    /// 64 bits of SHA-256 over a row's (vector, deleted): what a repair request says of each version it holds, so the
    /// peer sends only states that differ rather than every state of a differing bucket.
    /// </summary>
    public static long Fingerprint(VersionStamp stamp) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{stamp.Vector}|{(stamp.Deleted ? 1 : 0)}")), 0);

    /// <summary>One hex digest per bucket ("" for an empty bucket); stamps must be in id order.</summary>
    public static string[] Compute(IReadOnlyList<VersionStamp> stamps, int buckets)
    {
        var hashes = new IncrementalHash?[buckets];
        try
        {
            foreach (var stamp in stamps)
            {
                var bucket = BucketOf(stamp.Id, buckets);
                var hash = hashes[bucket] ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hash.AppendData(Encoding.UTF8.GetBytes($"{stamp.Id}|{stamp.Vector}|{(stamp.Deleted ? 1 : 0)}\n"));
            }

            return hashes.Select(h => h is null ? "" : Convert.ToHexStringLower(h.GetHashAndReset())).ToArray();
        }
        finally
        {
            foreach (var hash in hashes)
            {
                hash?.Dispose();
            }
        }
    }

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
