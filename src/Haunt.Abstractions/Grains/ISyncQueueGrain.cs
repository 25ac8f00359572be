namespace Haunt.Grains;

/// <summary>
/// One per region (key = region), on that region's silo: flushes the outbox to the peers, applies what
/// peers send, and runs the metrics and reconciliation loops.
/// </summary>
[Alias("haunt.ISyncQueueGrain")]
public interface ISyncQueueGrain : IGrainWithStringKey
{
    /// <summary>Activates the loops (called at silo start); idempotent.</summary>
    [Alias("StartAsync")]
    Task StartAsync();

    /// <summary>The outbox went non-empty: flush now rather than at the next tick.</summary>
    [Alias("WakeAsync"), OneWay]
    Task WakeAsync();

    /// <summary>Flushes now and returns after the batches are handed to the link.</summary>
    [Alias("FlushAsync")]
    Task FlushAsync();

    /// <summary>Per-peer link and backlog status of this region.</summary>
    [Alias("GetStatusAsync")]
    Task<SyncStatus> GetStatusAsync();

    /// <summary>This region's data digest, overall and per entity type.</summary>
    [Alias("GetDigestAsync")]
    Task<DigestReport> GetDigestAsync();

    /// <summary>
    /// Starts anti-entropy with every peer now: digests per entity type and hash bucket are exchanged and
    /// differing buckets repaired through the apply path. Returns once the requests are sent; the repair
    /// completes asynchronously (watch the digests converge).
    /// </summary>
    [Alias("ReconcileAsync")]
    Task<ReconcileStarted> ReconcileAsync();
}

[GenerateSerializer, Immutable, Alias("haunt.DigestReport")]
public sealed record DigestReport(
    [property: Id(0)] string Region,
    [property: Id(1)] string Overall,
    [property: Id(2)] long Entities,
    [property: Id(3)] IReadOnlyDictionary<string, string> PerType);

[GenerateSerializer, Immutable, Alias("haunt.ReconcileStarted")]
public sealed record ReconcileStarted(
    [property: Id(0)] string Region,
    [property: Id(1)] long RoundId,
    [property: Id(2)] IReadOnlyList<string> Peers);

[GenerateSerializer, Immutable, Alias("haunt.SyncStatus")]
public sealed record SyncStatus(
    [property: Id(0)] string Region,
    [property: Id(1)] IReadOnlyList<PeerStatus> Peers,
    [property: Id(2)] long ChangesApplied,
    [property: Id(3)] long BatchesRejected,
    [property: Id(4)] double LagP50Ms,
    [property: Id(5)] double LagP99Ms,
    [property: Id(6)] long Conflicts = 0,
    [property: Id(7)] long LocalWrites = 0);

[GenerateSerializer, Immutable, Alias("haunt.PeerStatus")]
public sealed record PeerStatus(
    [property: Id(0)] string Peer,
    [property: Id(1)] string State,
    [property: Id(2)] long BacklogRows,
    [property: Id(3)] long BacklogBytes,
    [property: Id(4)] double OldestPendingAgeMs,
    [property: Id(5)] DateTimeOffset? LastAckAt,
    [property: Id(6)] long ChangesSent,
    [property: Id(7)] int Attempts,
    [property: Id(8)] long Watermark,
    [property: Id(9)] bool NeedsSnapshot,
    [property: Id(10)] long LastSeqApplied = 0,
    [property: Id(11)] long ChangesAppliedFrom = 0);
