using System.Security.Cryptography;
using System.Text;

namespace Haunt.Storage;

/// <summary>
/// The two hashes every entity row is stored with (columns id_hash and stamp_hash, 007_stamp_hashes), so that
/// anti-entropy digests are sums the database adds up over an index instead of rows read, parsed and hashed
/// here: a bucket's digest is the count and sums of its rows' stamp hashes, and a repair fingerprint is the stamp
/// hash itself. Every implementation of the store must compute them this way, or regions will never agree.
/// </summary>
public static class StampHash
{
    /// <summary>The low 31 bits of a stamp hash; summed apart from the high 31 so no sum of rows overflows 64 bits.</summary>
    public const long LowMask = 0x7FFF_FFFF;

    /// <summary>FNV-1a over the id's UTF-16 code units, as a non-negative number: stable across processes, platforms and engines.</summary>
    public static long OfId(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>The bucket of an id hash among <paramref name="buckets"/> (what SQL computes as id_hash % buckets).</summary>
    public static int BucketOf(long idHash, int buckets) => (int)(idHash % buckets);

    /// <summary>
    /// 62 bits of SHA-256 over (id, vector, tombstone flag): two rows hash alike only if they are the same version of
    /// the same entity. The vector is written in its canonical form, so a row stored in the first release's form
    /// ("3.0.1") hashes as the same vector written now.
    /// </summary>
    public static long Of(string id, VersionVector vector, bool deleted) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}|{vector}|{(deleted ? 1 : 0)}"))) & 0x3FFF_FFFF_FFFF_FFFF;

    public static long Of(EntityState state) => Of(state.Id, state.Vector, state.Deleted);
}
