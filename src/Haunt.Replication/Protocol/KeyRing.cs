namespace Haunt.Replication.Protocol;

/// <summary>
/// The cluster key everything is signed with now, and every key a signature may be made with (that one first):
/// during a rotation the old key stays accepted until every region signs with the new one.
/// </summary>
public sealed record KeyRing(byte[] Signing, IReadOnlyList<byte[]> Verifying)
{
    public static KeyRing Of(string signing, IEnumerable<string> accepted)
    {
        var keys = accepted.Prepend(signing).Where(k => !string.IsNullOrWhiteSpace(k)).Distinct().Select(Decode).ToList();
        return keys.Count > 0 ? new KeyRing(keys[0], keys) : throw new InvalidOperationException("Haunt:Sync:ClusterKey is required.");
    }

    private static byte[] Decode(string key)
    {
        var bytes = Convert.FromBase64String(key);
        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException("Haunt:Sync keys must be at least 32 bytes (base64).");
    }
}
