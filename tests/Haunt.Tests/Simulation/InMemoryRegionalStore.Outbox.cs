namespace Haunt.Tests.Simulation;

// The outbox and the peers' bookkeeping, as SqlRegionalStore keeps them in sync_queue, sync_state and sync_versions.
public sealed partial class InMemoryRegionalStore
{
    public Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default) => Run<IReadOnlyList<OutboxRow>>(() =>
    {
        Peer(peer);
        return _outbox.Where(o => o.Value.Pending.Contains(peer) && o.Key > (after?.After(o.Value.Priority) ?? 0))
            .OrderBy(o => o.Value.Priority).ThenBy(o => o.Key).Take(limit).Select(o => o.Value.Row).ToList();
    });

    public async Task<PendingSize> PendingSizeAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default)
    {
        var rows = await PendingForPeerAsync(peer, limit, after, cancellationToken);
        return new PendingSize(rows.Count, rows.Sum(r => (long)r.Bytes));
    }

    public Task AckAsync(string peer, IReadOnlyList<long> seqs) => Run(() =>
    {
        Peer(peer);
        foreach (var seq in seqs)
        {
            if (_outbox.TryGetValue(seq, out var entry))
            {
                entry.Pending.Remove(peer);
                if (entry.Pending.Count == 0)
                {
                    _outbox.Remove(seq);
                }
            }
        }

        if (_peers.TryGetValue(peer, out var state))
        {
            var lowest = _outbox.Where(o => o.Value.Pending.Contains(peer)).Select(o => o.Key).DefaultIfEmpty(_seq + 1).Min();
            _peers[peer] = state with { Watermark = lowest - 1, LastAckAtMs = nowMs() };
        }
    });

    public Task<Backlog> BacklogAsync(string peer, CancellationToken cancellationToken = default) => Run(() =>
    {
        Peer(peer);
        var rows = _outbox.Values.Where(o => o.Pending.Contains(peer)).ToList();
        return new Backlog(rows.Count, rows.Sum(r => (long)r.Row.Bytes), rows.Count == 0 ? null : rows.Min(r => r.CommittedAt), _seq);
    });

    public Task<long> PendingSpanAsync(string peer, CancellationToken cancellationToken = default) => Run(() =>
    {
        Peer(peer);
        var lowest = _outbox.Where(o => o.Value.Pending.Contains(peer)).Select(o => o.Key).DefaultIfEmpty(0).Min();
        return lowest == 0 ? 0 : _seq - lowest + 1;
    });

    public Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit, CancellationToken cancellationToken = default) => Run<IReadOnlyList<OutboxRow>>(() =>
    {
        if (peer is not null)
        {
            Peer(peer);
        }

        return _outbox.Where(o => o.Key > afterSeq && (peer is null || o.Value.Pending.Contains(peer))).Take(limit).Select(o => o.Value.Row).ToList();
    });

    /// <summary>The peer's sync_state row and what was applied from it; the store's own region has no such row.</summary>
    public Task<PeerState> PeerStateAsync(string peer, CancellationToken cancellationToken = default) => Run(() =>
    {
        if (!_peers.TryGetValue(Peer(peer), out var state))
        {
            return new PeerState(peer, 0, null, false, 0, 0);
        }

        var (lastSeq, changes) = _applied.GetValueOrDefault(peer);
        return state with { LastSeqApplied = lastSeq, ChangesApplied = changes };
    });

    public Task<long> ReleaseBacklogAsync(string peer) => Run(() =>
    {
        Peer(peer);
        long released = 0;
        foreach (var (seq, entry) in _outbox.ToList())
        {
            if (entry.Pending.Remove(peer))
            {
                released++;
                if (entry.Pending.Count == 0)
                {
                    _outbox.Remove(seq);
                }
            }
        }

        if (_peers.TryGetValue(peer, out var state))
        {
            _peers[peer] = state with { NeedsSnapshot = true };
        }

        return released;
    });

    public Task ClearNeedsSnapshotAsync(string peer) => Run(() =>
    {
        if (_peers.TryGetValue(Peer(peer), out var state))
        {
            _peers[peer] = state with { NeedsSnapshot = false };
        }
    });
}
