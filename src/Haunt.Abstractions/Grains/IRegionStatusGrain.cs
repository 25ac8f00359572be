using Haunt.Abstractions.Sync;

namespace Haunt.Abstractions.Grains;

/// <summary>
/// What operators and peer regions read of a region's replication (key = region): answered on whichever silo of the
/// region is asked, from the status its sync loop last published and from the store, never by the sync loop itself,
/// so reading the status cannot slow the replication it reports on.
/// </summary>
[Alias("haunt.IRegionStatusGrain")]
public interface IRegionStatusGrain : IGrainWithStringKey
{
    /// <summary>Per-peer link and backlog status of this region, as its sync loop last published it (at most a status interval old).</summary>
    [Alias("GetStatusAsync"), AlwaysInterleave, PeerCallable]
    Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Answers at once, touching nothing: how a peer that stopped answering is found back (a probe costs no store read).</summary>
    [Alias("PingAsync"), AlwaysInterleave, PeerCallable]
    Task PingAsync();

    /// <summary>
    /// This region's data digest, overall and per entity type, read from its store: a scan of every table, so one at
    /// a time per silo (status reads interleave with it). Callers that give up on one (a peer's 1.5 s call timeout)
    /// must not start scans faster than they finish.
    /// </summary>
    [Alias("GetDigestAsync"), PeerCallable]
    Task<DigestReport> GetDigestAsync(CancellationToken cancellationToken = default);
}
