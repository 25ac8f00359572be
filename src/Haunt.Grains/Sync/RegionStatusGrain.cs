using Microsoft.Extensions.Options;

namespace Haunt.Grains.Sync;

/// <summary>
/// Answers status and digest reads on the silo that is asked (a stateless worker, one per silo: no queue behind the
/// sync loop, and digest scans one at a time, status reads interleaving with them): each link's state from this silo's <see cref="SyncStatusBoard"/> (what the loop last
/// published), the store's figures and the digest read from the store now. Only before the loop has published
/// anything does a status read go to the loop itself.
/// </summary>
[StatelessWorker(1)]
public sealed class RegionStatusGrain(SyncStatusBoard board, IRegionalStore store, TimeProvider time, IOptionsMonitor<SyncOptions> options) : Grain, IRegionStatusGrain
{
    private (SyncStatus Links, SyncStatus Status)? _status;

    /// <summary>
    /// The loop's last published status with the store's figures (backlogs, conflicts, feed consumer groups) read on top, once per
    /// publication: reads between two publications (every StatusInterval) share them, so operators polling health and
    /// the overview cost the store a few aggregates a second, however many they are.
    /// </summary>
    public async Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        if (board.Latest is not { } links)
        {
            return await GrainFactory.GetGrain<ISyncQueueGrain>(this.GetPrimaryKeyString()).GetStatusAsync(cancellationToken);
        }

        if (_status is { } known && ReferenceEquals(known.Links, links))
        {
            return known.Status;
        }

        var status = await StoredStatus.ReadIntoAsync(links, store, time.GetUtcNow(), options.CurrentValue.FeedStuckAfter, cancellationToken);
        _status = (links, status);
        return status;
    }

    public Task PingAsync() => Task.CompletedTask;

    private (DigestReport Report, DateTimeOffset At)? _last;

    /// <summary>
    /// A scan of every table, or the last one if it is younger than <see cref="SyncOptions.DigestMaxAge"/> (reads are
    /// one at a time here, so callers queued behind a scan get its result). A caller that gives up (an HTTP client
    /// gone, a peer's call timed out) stops its scan.
    /// </summary>
    public async Task<DigestReport> GetDigestAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_last is { } last && now - last.At < options.CurrentValue.DigestMaxAge)
        {
            return last.Report;
        }

        var digest = await store.DigestAsync(cancellationToken);
        var report = new DigestReport(this.GetPrimaryKeyString(), digest.Overall, digest.Entities, digest.PerType.ToDictionary(p => p.Key.ToString(), p => p.Value));
        _last = (report, now);
        return report;
    }
}
