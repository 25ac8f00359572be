using Haunt.Abstractions.Sync;

namespace Haunt.Abstractions.Grains;

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

    /// <summary>
    /// The outbox went non-empty: flush now rather than at the next tick. Returns once that flush ran, so the
    /// caller knows when another append needs another wake (not one-way for that reason).
    /// </summary>
    [Alias("WakeAsync")]
    Task WakeAsync();

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
