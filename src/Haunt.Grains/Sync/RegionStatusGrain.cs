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
    public Task<SyncStatus> GetStatusAsync() => board.Latest is { } links
        ? StoredStatus.ReadIntoAsync(links, store, time.GetUtcNow())
        : GrainFactory.GetGrain<ISyncQueueGrain>(this.GetPrimaryKeyString()).GetStatusAsync();

    public Task PingAsync() => Task.CompletedTask;

    public async Task<DigestReport> GetDigestAsync()
    {
        var digest = await store.DigestAsync();
        return new DigestReport(this.GetPrimaryKeyString(), digest.Overall, digest.Entities, digest.PerType.ToDictionary(p => p.Key.ToString(), p => p.Value));
    }
}
