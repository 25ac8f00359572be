namespace Haunt.Replication.Engine;

/// <summary>
/// The part of a region's status that lives in its store (backlog, watermark and last ack, catch-up flag, applied
/// seq, conflict count), read fresh on top of a status whose link part (state, last ack, window, counters) came from the sync
/// loop: by the loop itself, or by whoever answers status reads from the loop's last published status.
/// </summary>
public static class StoredStatus
{
    public static async Task<SyncStatus> ReadIntoAsync(SyncStatus status, IRegionalStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
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

        return status with { Peers = peers, Conflicts = await store.ConflictCountAsync(cancellationToken), LocalWrites = localWrites };
    }
}
