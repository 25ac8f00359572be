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

    /// <summary>
    /// This region's status as the sync loop sees it now. Operators read <see cref="IRegionStatusGrain"/> instead,
    /// which never waits for this actor; this is the fallback until the loop has published a status.
    /// </summary>
    [Alias("GetStatusAsync")]
    Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts anti-entropy with every peer now: digests per entity type and hash bucket are exchanged and
    /// differing buckets repaired through the apply path. Returns once the requests are sent; the repair
    /// completes asynchronously (watch the digests converge).
    /// </summary>
    [Alias("ReconcileAsync")]
    Task<ReconcileStarted> ReconcileAsync();

    /// <summary>The membership this region holds: agreed version, regions, whether it serves, the change under way.</summary>
    [Alias("GetMembershipAsync")]
    Task<MembershipStatus> GetMembershipAsync();

    /// <summary>
    /// An operator asks to add <paramref name="region"/>, whose cluster's gateways are <paramref name="gateways"/>: proposed
    /// to every region now; adopted once all accepted (watch <see cref="GetMembershipAsync"/>).
    /// </summary>
    [Alias("ProposeAddRegionAsync")]
    Task<MembershipAnswer> ProposeAddRegionAsync(string region, string[] gateways);

    /// <summary>
    /// An operator asks that <paramref name="region"/> leave, its strong entities handed to <paramref name="successor"/>
    /// (null: the primary): proposed to every region now; once agreed the region hands over, drains and is removed.
    /// </summary>
    [Alias("ProposeRemoveRegionAsync")]
    Task<MembershipAnswer> ProposeRemoveRegionAsync(string region, string? successor);
}
