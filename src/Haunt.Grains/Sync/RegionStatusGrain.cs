namespace Haunt.Grains.Sync;

/// <summary>
/// Answers status and digest reads on the silo that is asked (a stateless worker, one per silo: no queue behind the
/// sync loop, and digest scans one at a time, status reads interleaving with them): each link's state from this silo's <see cref="SyncStatusBoard"/> (what the loop last
/// published), the store's figures and the digest read from the store now. Only before the loop has published
/// anything does a status read go to the loop itself.
/// </summary>
[StatelessWorker(1)]
public sealed class RegionStatusGrain(SyncStatusBoard board, IRegionalStore store, TimeProvider time) : Grain, IRegionStatusGrain
{
    public Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default) => board.Latest is { } links
        ? StoredStatus.ReadIntoAsync(links, store, time.GetUtcNow(), cancellationToken)
        : GrainFactory.GetGrain<ISyncQueueGrain>(this.GetPrimaryKeyString()).GetStatusAsync(cancellationToken);

    public Task PingAsync() => Task.CompletedTask;

    /// <summary>A scan of every table: a caller that gives up (an HTTP client gone, a peer's call timed out) stops it.</summary>
    public async Task<DigestReport> GetDigestAsync(CancellationToken cancellationToken = default)
    {
        var digest = await store.DigestAsync(cancellationToken);
        return new DigestReport(this.GetPrimaryKeyString(), digest.Overall, digest.Entities, digest.PerType.ToDictionary(p => p.Key.ToString(), p => p.Value));
    }
}
