namespace Haunt.Replication.Engine;

/// <summary>
/// The part of a region's status that lives in its store (backlog, watermark and last ack, catch-up flag, applied
/// seq, conflict count, the feed's consumer groups), read fresh on top of a status whose link part (state, last ack, window, counters) came from the sync
/// loop: by the loop itself, or by whoever answers status reads from the loop's last published status.
/// </summary>
public static class StoredStatus
{
    public static async Task<SyncStatus> ReadIntoAsync(SyncStatus status, IRegionalStore store, DateTimeOffset now, TimeSpan feedStuckAfter,
        CancellationToken cancellationToken = default)
    {
        var peers = new List<PeerStatus>(status.Peers.Count);
        var localWrites = status.LocalWrites;
        foreach (var peer in status.Peers)
        {
            var backlog = await store.BacklogAsync(peer.Peer, cancellationToken);
            var state = await store.PeerStateAsync(peer.Peer, cancellationToken);
            localWrites = backlog.LastSeq;
            var oldest = backlog.OldestCommittedAtMs is { } ms ? Math.Max(0, now.ToUnixTimeMilliseconds() - ms) : 0;
            peers.Add(peer with
            {
                BacklogRows = backlog.Rows, BacklogBytes = backlog.Bytes, OldestPendingAgeMs = oldest, Watermark = state.Watermark,
                // The ack time recorded with the watermark it moved (a silo's own memory of it starts empty after a failover).
                LastAckAt = state.LastAckAtMs is { } acked ? DateTimeOffset.FromUnixTimeMilliseconds(acked) : peer.LastAckAt,
                NeedsSnapshot = state.NeedsSnapshot, LastSeqApplied = state.LastSeqApplied, ChangesAppliedFrom = state.ChangesApplied,
            });
        }

        return status with
        {
            Peers = peers, Conflicts = await store.ConflictCountAsync(cancellationToken), LocalWrites = localWrites,
            Feed = await FeedConsumersAsync(store, now, feedStuckAfter, cancellationToken),
        };
    }

    /// <summary>The feed's consumer groups as a whole, their lag measured at <paramref name="now"/>.</summary>
    public static async Task<FeedConsumers> FeedConsumersAsync(IRegionalStore store, DateTimeOffset now, TimeSpan stuckAfter, CancellationToken cancellationToken = default)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var groups = await store.FeedGroupsLagAsync(nowMs - (long)stuckAfter.TotalMilliseconds, cancellationToken);
        var waited = groups.Worst.OldestCommittedAtMs is { } oldest ? Math.Max(0, nowMs - oldest) / 1000.0 : 0;
        return new FeedConsumers(groups.Groups, groups.Stuck, groups.Worst.Changes, waited);
    }
}
