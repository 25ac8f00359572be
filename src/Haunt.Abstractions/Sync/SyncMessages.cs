namespace Haunt.Sync;

// The sync protocol (ARCHITECTURE §4). Every message names its origin and destination region; the stream it
// travels on is keyed by the destination.

[GenerateSerializer, Immutable, Alias("haunt.SyncMessage")]
public abstract record SyncMessage([property: Id(0)] string From, [property: Id(1)] string To);

/// <summary>Changes in (priority, seq) order. Body = Brotli(JSON items); checksum and HMAC cover it.</summary>
[GenerateSerializer, Immutable, Alias("haunt.ChangeBatch")]
public sealed record ChangeBatch(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] int Count,
    [property: Id(2)] byte[] Body,
    [property: Id(3)] byte[] Checksum,
    [property: Id(4)] byte[] Signature) : SyncMessage(From, To);

[GenerateSerializer, Immutable, Alias("haunt.BatchAck")]
public sealed record BatchAck(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] int Applied,
    [property: Id(2)] int Conflicts) : SyncMessage(From, To);

/// <summary>A batch failed verification (checksum, signature or format) and applied nothing; resend it.</summary>
[GenerateSerializer, Immutable, Alias("haunt.BatchReject")]
public sealed record BatchReject(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] string Reason) : SyncMessage(From, To);

[GenerateSerializer, Immutable, Alias("haunt.Heartbeat")]
public sealed record Heartbeat(
    string From,
    string To,
    [property: Id(0)] long Watermark,
    [property: Id(1)] long QueueDepth) : SyncMessage(From, To);
