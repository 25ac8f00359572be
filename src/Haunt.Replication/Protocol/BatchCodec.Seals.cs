using System.Security.Cryptography;

namespace Haunt.Replication.Protocol;

// Every sync message but a change batch is sealed with the same keys that sign batches: the current key seals,
// any accepted key verifies, so a key rotation refuses no message either.
public sealed partial class BatchCodec
{
    /// <summary>The message with the seal of this region's current key, stamped <paramref name="now"/>.</summary>
    public SyncMessage Seal(SyncMessage message, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        return message with { Seal = new MessageSeal(at, HMACSHA256.HashData(_keys.Signing, SealedContent.Of(message, at))) };
    }

    /// <summary>Whether the message carries a seal that one of the accepted keys made over exactly this content.</summary>
    public bool IsSealed(SyncMessage message)
    {
        if (message.Seal is not { Mac.Length: 32 } seal)
        {
            return false;
        }

        byte[] content;
        try
        {
            content = SealedContent.Of(message, seal.SentAtMs);
        }
        catch (NotSupportedException)
        {
            return false;
        }

        return _keys.Verifying.Any(key => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, content), seal.Mac));
    }
}
