using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Haunt.Replication.Protocol;

/// <summary>Why a batch was refused. Nothing of a refused batch is applied.</summary>
/// <summary>Why a batch was refused; ClockAhead is the receiver's check, not the codec's (see SyncOptions.MaxClockDrift).</summary>
public enum BatchFault { None, Forged, Corrupt, Malformed, ClockAhead }

public sealed record DecodedBatch(BatchFault Fault, string Reason, IReadOnlyList<ChangeItem> Items)
{
    public static DecodedBatch Refused(BatchFault fault, string reason) => new(fault, reason, []);
}

/// <summary>
/// Puts change batches on the wire and takes them off: JSON → Brotli body, SHA-256 checksum of the body,
/// HMAC-SHA256 (cluster key) over route, batch id, count and checksum. Verify first, then decode. Signs with the
/// cluster key and accepts it or any of the accepted keys, so keys rotate without a batch refused; the keys follow
/// the options when they are reloaded.
/// </summary>
public sealed partial class BatchCodec
{
    /// <summary>
    /// The most state JSON one batch carries (live or repair), beyond one state: compressed, well under the 1 MB a
    /// stream message may have (the memory stream's cache refuses a larger one, and the link would retry it for ever).
    /// </summary>
    public const int MaxStateBytes = 512 * 1024;

    private const int MaxIdLength = 256;
    private readonly int _maxBytes;
    private volatile KeyRing _keys;

    public BatchCodec(IOptionsMonitor<SyncOptions> options)
    {
        _keys = KeyRing.Of(options.CurrentValue.ClusterKey, options.CurrentValue.AcceptedKeys);
        _maxBytes = options.CurrentValue.MaxBatchBytes;
        options.OnChange(o => UseKeys(o.ClusterKey, o.AcceptedKeys));
    }

    /// <summary>A codec with fixed options (the simulation, tests).</summary>
    public static BatchCodec For(SyncOptions options) => new(new FixedOptions(options));

    /// <summary>Signs with <paramref name="signing"/> from now on and accepts it or any of <paramref name="accepted"/>.</summary>
    public void UseKeys(string signing, IEnumerable<string> accepted) => _keys = KeyRing.Of(signing, accepted);

    /// <summary>The cluster keys as they are now (the door of the region's connections proves and checks with them too).</summary>
    public KeyRing Keys => _keys;

    public ChangeBatch Encode(string from, string to, long batchId, IReadOnlyList<ChangeItem> items) =>
        Encode(from, to, batchId, items.Count, JsonSerializer.SerializeToUtf8Bytes(items, StateJson.Options));

    /// <summary>Encodes changes already in wire JSON (outbox rows), without parsing them again.</summary>
    public ChangeBatch Encode(string from, string to, long batchId, IReadOnlyList<string> itemJsons) =>
        Encode(from, to, batchId, itemJsons.Count, Encoding.UTF8.GetBytes("[" + string.Join(',', itemJsons) + "]"));

    private ChangeBatch Encode(string from, string to, long batchId, int count, byte[] json)
    {
        var body = Compress(json);
        var checksum = SHA256.HashData(body);
        return new ChangeBatch(from, to, batchId, count, body, checksum, Sign(_keys.Signing, from, to, batchId, count, checksum));
    }

    /// <summary>The same batch signed with the current cluster key (its body and checksum untouched).</summary>
    public ChangeBatch Resigned(ChangeBatch batch) =>
        batch with { Signature = Sign(_keys.Signing, batch.From, batch.To, batch.BatchId, batch.Count, batch.Checksum) };

    public DecodedBatch Decode(ChangeBatch batch, SiloRegion expectedTo)
    {
        if (batch.Body is null || batch.Checksum is not { Length: 32 } || batch.Signature is not { Length: 32 })
        {
            return DecodedBatch.Refused(BatchFault.Malformed, "missing body, checksum or signature");
        }

        var keys = _keys;
        if (!keys.Verifying.Any(key => CryptographicOperations.FixedTimeEquals(Sign(key, batch.From ?? "", batch.To ?? "", batch.BatchId, batch.Count, batch.Checksum), batch.Signature)))
        {
            return DecodedBatch.Refused(BatchFault.Forged, "signature does not match the cluster key");
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(batch.Body), batch.Checksum))
        {
            return DecodedBatch.Refused(BatchFault.Corrupt, "checksum mismatch");
        }

        if (batch.To != expectedTo.Name || !expectedTo.Regions.Contains(batch.From) || batch.From == expectedTo.Name)
        {
            return DecodedBatch.Refused(BatchFault.Malformed, $"route {batch.From}→{batch.To} is not a peer of {expectedTo.Name}");
        }

        try
        {
            var items = JsonSerializer.Deserialize<List<ChangeItem>>(Decompress(batch.Body), StateJson.Options) ?? [];
            // A vector may name a region that is no longer a member (what it wrote before it left stays counted), and a
            // state's writer and home may be a region that left.
            return Validate(items, batch.Count, expectedTo.Membership) is { } problem
                ? DecodedBatch.Refused(BatchFault.Malformed, problem)
                : new DecodedBatch(BatchFault.None, "", items);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or UnknownEntityTypeException)
        {
            return DecodedBatch.Refused(BatchFault.Malformed, ex.Message);
        }
    }

    private static string? Validate(List<ChangeItem> items, int count, Membership regions)
    {
        if (items.Count != count)
        {
            return $"batch says {count} items, body has {items.Count}";
        }

        foreach (var item in items)
        {
            if (item?.State is not { } s || !EntityTypes.IsDefined(s.Type))
            {
                return $"unknown entity type {(int?)item?.State?.Type}";
            }

            if (string.IsNullOrEmpty(s.Id) || s.Id.Length > MaxIdLength || !regions.Knows(s.ModifiedBy)
                || !regions.Knows(s.HomeRegion) || s.Vector.IsZero || !s.Vector.IsCanonical || (s.Payload is null) == (item.Delta is null)
                || (item.Delta is { } delta && !IsWellFormed(item, delta)))
            {
                return $"invalid {s.Type} '{s.Id}'";
            }
        }

        return null;
    }

    /// <summary>A delta stands for the payload of an update only, from a base older than the state it makes.</summary>
    private static bool IsWellFormed(ChangeItem item, StateDelta delta) =>
        item.Operation == SyncOperation.Update && !item.State.Deleted && !string.IsNullOrEmpty(delta.Patch)
        && !string.IsNullOrEmpty(delta.BaseHash) && !string.IsNullOrEmpty(delta.ResultHash)
        && !delta.BaseVector.IsZero && delta.BaseVector.IsCanonical && item.State.Vector.Compare(delta.BaseVector) == VectorOrder.Newer;

    private static byte[] Sign(byte[] key, string from, string to, long batchId, int count, byte[] checksum)
    {
        var route = Encoding.UTF8.GetBytes($"{from}>{to}|");
        var buffer = new byte[route.Length + 12 + checksum.Length];
        route.CopyTo(buffer, 0);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(route.Length), batchId);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(route.Length + 8), count);
        checksum.CopyTo(buffer, route.Length + 12);
        return HMACSHA256.HashData(key, buffer);
    }

    private sealed class FixedOptions(SyncOptions value) : IOptionsMonitor<SyncOptions>
    {
        public SyncOptions CurrentValue => value;

        public SyncOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SyncOptions, string?> listener) => null;
    }

    /// <summary>
    /// Brotli at quality 5 with a 4 MiB window: on batches of trading records it keeps ~90 % of quality 11's
    /// ratio at a small fraction of its CPU (quality 11 made encoding the bottleneck of the sync grain).
    /// </summary>
    private static byte[] Compress(byte[] data)
    {
        using var encoder = new BrotliEncoder(quality: 5, window: 22);
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
        var status = encoder.Compress(data, output, out _, out var written, isFinalBlock: true);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidOperationException($"Brotli compression stopped with {status}.");
        }

        return output[..written];
    }

    private byte[] Decompress(byte[] body)
    {
        using var input = new BrotliStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > _maxBytes)
            {
                throw new InvalidDataException($"batch exceeds {_maxBytes} bytes decompressed");
            }

            output.Write(buffer, 0, read);
        }

        output.Position = 0;
        return output.ToArray();
    }
}
