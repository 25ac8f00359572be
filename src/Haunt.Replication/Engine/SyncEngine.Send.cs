using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Sending: outbox rows in (priority, seq) order, a window of batches in flight per peer (PeerLink), more as acks
// free it; resends with backoff; heartbeats; the per-peer backlog bound (checked on each flush).
public sealed partial class SyncEngine
{
    private long _nextBatchId;
    private bool _flushing;

    public async Task FlushAllAsync()
    {
        if (_flushing)
        {
            return;
        }

        _flushing = true;
        try
        {
            foreach (var peer in _peers.Values.ToList())
            {
                await EnforceBoundAsync(peer);
                await FlushPeerAsync(peer);
                _metrics.Link(peer.Peer).SetState(peer.State);
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    private async Task FlushPeerAsync(PeerLink peer)
    {
        var link = _metrics.Link(peer.Peer);
        foreach (var resend in peer.DueForResend(Now))
        {
            // Signed again: the sync key may have been rotated since the first send, and the peer may no longer accept the old one.
            Interlocked.Increment(ref _metrics.BatchesResent);
            Interlocked.Increment(ref link.BatchesResent);
            await _link.SendAsync(_codec.Resigned(resend));
        }

        while (peer.CanSend)
        {
            // Nagle (below) sends nothing but a full batch while a short one waits for its ack: whether one is ready is
            // asked first, without the states. Read whole each time, those reads were 85 % of the outbox reads in the
            // replicated bench, half a thousand states each, all thrown away (docs/benchmarks.md).
            if (peer.HasShortBatchInFlight && !await FullBatchReadyAsync(peer))
            {
                return;
            }

            var pending = await UnsentAsync(peer);
            if (pending.Count == 0)
            {
                return;
            }

            // A batch is full at BatchSize changes or at BatchCodec.MaxStateBytes of state JSON, whichever comes first:
            // a thousand 8 KB states made a 2 MB message, which the stream's cache refused for ever (the link stalled).
            var rows = UpToStateBytes(pending);
            var full = rows.Count < pending.Count || rows.Count == Options.BatchSize;

            // Nagle: while a short batch waits for its ack, new rows wait to go with the next batch, sent when that
            // ack comes (or once a full batch is ready). A slow peer so gets fewer, fuller batches instead of one per
            // commit, each an apply and an ack of its own, and the link clocks itself to what the peer can take.
            if (!full && peer.HasShortBatchInFlight)
            {
                return;
            }

            var deltas = new Dictionary<long, EntityRef>();
            var batch = _codec.Encode(Region, peer.Peer, ++_nextBatchId, WireItems(peer, rows, deltas));
            var copy = peer.Sent(batch, rows, Now, full, deltas);
            Interlocked.Add(ref _metrics.BytesSent, batch.Body.Length);
            Interlocked.Add(ref link.BytesSent, batch.Body.Length);
            Interlocked.Add(ref _metrics.PayloadBytesSent, rows.Sum(r => (long)r.Bytes));
            await _link.SendAsync(copy);
            if (!full)
            {
                return; // the outbox is drained for now
            }
        }
    }

    /// <summary>The peer's next rows not in flight: read after its cursor, again while a read met only rows in flight and moved it.</summary>
    private async Task<IReadOnlyList<OutboxRow>> UnsentAsync(PeerLink peer)
    {
        while (true)
        {
            var read = await _store.PendingForPeerAsync(peer.Peer, Options.BatchSize, peer.Taken);
            var unsent = peer.Unsent(read, out var moved);
            if (unsent.Count > 0 || read.Count < Options.BatchSize || !moved)
            {
                return unsent;
            }
        }
    }

    /// <summary>Whether the peer's next rows make a full batch: <see cref="SyncOptions.BatchSize"/> of them, or more state JSON than a batch carries.</summary>
    private async Task<bool> FullBatchReadyAsync(PeerLink peer)
    {
        var next = await _store.PendingSizeAsync(peer.Peer, Options.BatchSize, peer.Taken);
        return next.Rows == Options.BatchSize || next.Bytes > BatchCodec.MaxStateBytes;
    }

    /// <summary>The first rows whose state JSON adds up to at most <see cref="BatchCodec.MaxStateBytes"/> (always one at least).</summary>
    private static IReadOnlyList<OutboxRow> UpToStateBytes(IReadOnlyList<OutboxRow> rows)
    {
        long bytes = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            bytes += rows[i].Bytes;
            if (bytes > BatchCodec.MaxStateBytes && i > 0)
            {
                return rows.Take(i).ToList();
            }
        }

        return rows;
    }

    private async Task OnAckAsync(BatchAck ack)
    {
        if (!_peers.TryGetValue(ack.From, out var peer) || peer.Acked(ack.BatchId, ack.EchoSentAt, Now) is not { } acked)
        {
            return; // a duplicate, or an ack for a batch of an earlier activation
        }

        var seqs = DeliveredOf(peer, acked, ack.Refused);
        if (seqs.Count < acked.Seqs.Count)
        {
            peer.Taken.Rewind(); // the refused changes are pending again: read them again
        }

        try
        {
            await _store.AckAsync(peer.Peer, seqs);
        }
        catch
        {
            peer.Taken.Rewind(); // out of the window but still pending: sent again, not left behind the cursor
            throw;
        }

        Interlocked.Add(ref _metrics.ChangesSent, seqs.Count);
        Interlocked.Add(ref _metrics.Link(peer.Peer).ChangesSent, seqs.Count);

        // Keep the pipe full: send the next batch now instead of at the next tick.
        if (!_flushing)
        {
            await FlushPeerAsync(peer);
        }
    }

    private Task OnRejectAsync(BatchReject reject)
    {
        LogOurBatchRejected(_log, reject.From, reject.BatchId, Region, reject.Reason);
        if (_peers.TryGetValue(reject.From, out var peer) && !WithdrawnForDeltas(peer, reject))
        {
            peer.Rejected(reject.BatchId, Now);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A peer that is not acking lets its backlog grow; past the bound, stop queueing for it and let it catch
    /// up from state (needs-snapshot), so memory and disk do not grow with the length of an outage. A peer that
    /// acked within the longest resend wait is working, only slower than the writes for now: releasing its
    /// backlog would swap a short delay for a full repair round, so it is released only past twice the bound.
    /// Only checked while a batch waits for its ack, and at most once per flush interval. The backlog's aggregates
    /// pass over every row waiting for the peer: ten times a second under load they were an eighth of the store's time
    /// in the replicated bench (docs/benchmarks.md). So between two of them (one per heartbeat interval) the rows are
    /// bounded from above by the span of seqs still pending, read from two index ends, and counted only past the bound.
    /// </summary>
    private async Task EnforceBoundAsync(PeerLink peer)
    {
        if (!peer.HasInFlight || Now - peer.BoundCheckedAt < Options.FlushInterval)
        {
            return;
        }

        peer.BoundChecked(Now);
        var acking = peer.LastAckAt is { } acked && Now - acked <= Options.MaxBackoff;
        var limit = acking ? 2 : 1;
        if (Now - peer.BacklogCountedAt < Options.HeartbeatInterval && await _store.PendingSpanAsync(peer.Peer) <= limit * Options.MaxBacklogRows)
        {
            return;
        }

        peer.BacklogCounted(Now);
        var backlog = await _store.BacklogAsync(peer.Peer);
        if (backlog.Rows > limit * Options.MaxBacklogRows || backlog.Bytes > limit * Options.MaxBacklogBytes)
        {
            var released = await _store.ReleaseBacklogAsync(peer.Peer);
            peer.Released();
            CatchUpFromNextRound(peer.Peer);
            Interlocked.Increment(ref _metrics.BacklogsReleased);
            LogBacklogReleased(_log, peer.Peer, backlog.Rows, backlog.Bytes, released);
        }
    }

    /// <summary>Tells each peer where this region stands (its watermark, queue depth and membership version); gives up a stale proposal; moves a join on.</summary>
    public async Task HeartbeatAsync()
    {
        foreach (var peer in _peers.Values.ToList())
        {
            var state = await _store.PeerStateAsync(peer.Peer);
            var backlog = await _store.BacklogAsync(peer.Peer);
            RecordBacklog(peer.Peer, backlog);
            await SendSealedAsync(new Heartbeat(Region, peer.Peer, state.Watermark, backlog.Rows, Silo.Membership.Version));
        }

        ExpireProposal();
        await ContinueJoinAsync();
        await ContinueLeaveAsync();
    }

    /// <summary>
    /// A heartbeat proves the peer is reachable: if it missed released changes, ask it to catch up and run a
    /// round with it ourselves, on heartbeats until one of our rounds has completed (lost replies retry), but not
    /// while the last catch-up round may still be under way (<see cref="CatchUpDue"/>).
    /// </summary>
    private async Task OnHeartbeatAsync(Heartbeat heartbeat)
    {
        if (_peers.TryGetValue(heartbeat.From, out var peer))
        {
            peer.Heard(Now);
            await TellNewerMembershipAsync(heartbeat);
            if ((await _store.PeerStateAsync(peer.Peer)).NeedsSnapshot && CatchUpDue(peer.Peer))
            {
                await SendSealedAsync(new SnapshotRequest(Region, peer.Peer, 0));
                await StartRoundAsync(peer.Peer);
            }
        }
    }
}
