using System.Security.Cryptography;
using System.Text;

namespace Haunt.Replication.Deltas;

/// <summary>
/// What a delta names its base and its result by, beside the vector: the first 128 bits of SHA-256 over the payload's
/// UTF-8, base64. Batches are signed, so this guards against a receiver holding other bytes under the same vector (a
/// state restored or edited by hand) and against a patch that applies but yields something else, not against forgers.
/// </summary>
public static class PayloadHash
{
    public static string Of(string payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(payload), hash);
        return Convert.ToBase64String(hash[..16]);
    }
}
