using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace Haunt.Grains.Door;

/// <summary>
/// The door's handshake, before Orleans' own preamble on every connection into a region: the listening side sends a
/// fresh random challenge; the connecting side answers with its role, the region it is, and an HMAC-SHA256 under the
/// cluster key over the challenge, role and route (from → to). A proof is good for that one challenge only, so a
/// recorded handshake is worth nothing on another connection; no clocks and no nonce store are involved.
/// </summary>
public static class DoorProof
{
    public const int ChallengeLength = 32;
    private const int MacLength = 32;
    private const int MaxNameLength = 64;
    private static readonly byte[] s_challengeMagic = "HDC1"u8.ToArray();
    private static readonly byte[] s_helloMagic = "HDH1"u8.ToArray();

    /// <summary>What the connecting side says: its role, its region and its proof.</summary>
    public sealed record Hello(DoorRole Role, string From, byte[] Mac);

    public static byte[] Mac(byte[] key, ReadOnlySpan<byte> challenge, DoorRole role, string from, string to)
    {
        var route = Encoding.UTF8.GetBytes($"haunt-door/1|{(byte)role}|{from}>{to}|");
        var buffer = new byte[route.Length + challenge.Length];
        route.CopyTo(buffer, 0);
        challenge.CopyTo(buffer.AsSpan(route.Length));
        return HMACSHA256.HashData(key, buffer);
    }

    public static bool Verifies(IEnumerable<byte[]> keys, ReadOnlySpan<byte> challenge, Hello hello, string to)
    {
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(Mac(key, challenge, hello.Role, hello.From, to), hello.Mac))
            {
                return true;
            }
        }

        return false;
    }

    public static async Task WriteChallengeAsync(PipeWriter output, byte[] challenge, CancellationToken cancellationToken)
    {
        await output.WriteAsync(s_challengeMagic, cancellationToken);
        await output.WriteAsync(challenge, cancellationToken);
    }

    public static async Task<byte[]> ReadChallengeAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var bytes = await ReadExactlyAsync(input, s_challengeMagic.Length + ChallengeLength, cancellationToken);
        return bytes.AsSpan(0, s_challengeMagic.Length).SequenceEqual(s_challengeMagic)
            ? bytes[s_challengeMagic.Length..]
            : throw new InvalidDataException("The other side is not a Haunt region's door.");
    }

    public static async Task WriteHelloAsync(PipeWriter output, Hello hello, CancellationToken cancellationToken)
    {
        var name = Encoding.UTF8.GetBytes(hello.From);
        var buffer = new byte[s_helloMagic.Length + 2 + name.Length + MacLength];
        s_helloMagic.CopyTo(buffer, 0);
        buffer[s_helloMagic.Length] = (byte)hello.Role;
        buffer[s_helloMagic.Length + 1] = checked((byte)name.Length);
        name.CopyTo(buffer, s_helloMagic.Length + 2);
        hello.Mac.CopyTo(buffer, s_helloMagic.Length + 2 + name.Length);
        await output.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>The connecting side's hello; <see cref="InvalidDataException"/> if what came is not one (a plain Orleans client sends its preamble here).</summary>
    public static async Task<Hello> ReadHelloAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var head = await ReadExactlyAsync(input, s_helloMagic.Length + 2, cancellationToken);
        var nameLength = head[^1];
        if (!head.AsSpan(0, s_helloMagic.Length).SequenceEqual(s_helloMagic) || nameLength is 0 or > MaxNameLength)
        {
            throw new InvalidDataException("Not a door hello.");
        }

        var rest = await ReadExactlyAsync(input, nameLength + MacLength, cancellationToken);
        return new Hello((DoorRole)head[s_helloMagic.Length], Encoding.UTF8.GetString(rest, 0, nameLength), rest[nameLength..]);
    }

    /// <summary>Exactly <paramref name="count"/> bytes; what follows stays in the pipe for Orleans.</summary>
    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length >= count)
            {
                var bytes = buffer.Slice(0, count).ToArray();
                input.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }

            if (read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                throw new EndOfStreamException("The connection closed during the door's handshake.");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
