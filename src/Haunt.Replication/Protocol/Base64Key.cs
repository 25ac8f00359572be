namespace Haunt.Replication.Protocol;

/// <summary>What every key setting must be: base64 of at least 32 bytes (HMAC-SHA256 keys).</summary>
public static class Base64Key
{
    public static bool IsValid(string? key)
    {
        Span<byte> buffer = stackalloc byte[512];
        return !string.IsNullOrWhiteSpace(key) && key.Length <= 680 && Convert.TryFromBase64String(key, buffer, out var length) && length >= 32;
    }
}
