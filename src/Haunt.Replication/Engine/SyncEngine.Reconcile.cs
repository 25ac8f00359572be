using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Anti-entropy, four legs: DigestRequest → DigestResponse (bucket digests) → RepairRequest with the asker's version
// fingerprints in the differing buckets → the peer's RepairResponses (its states the asker lacks or holds otherwise)
// and a RepairRequest naming the ids it wants → the asker's RepairResponses. Only states that differ travel, so a
// round under load costs what differs, not every state of every bucket a live write touched.
// Repairs go through the same apply path as live changes, so the conflict policy holds for them too.
public sealed partial class SyncEngine
{
    private static readonly IReadOnlyDictionary<string, long> NothingHeld = new Dictionary<string, long>();
    private readonly Dictionary<string, DateTimeOffset> _catchUpStartedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _catchUpFromRound = new(StringComparer.Ordinal);
    private readonly long _firstRound;

    /// <summary>Per peer, the last round that asked about only part of what differed (it catches nothing up on its own).</summary>
    private readonly Dictionary<string, long> _partial = new(StringComparer.Ordinal);
    private long _roundId;

    private (long Round, DateTimeOffset At)? _requested;

    /// <summary>Per peer, the last routine round (periodic or an operator's) started with it: those leave changes in flight out.</summary>
    private readonly Dictionary<string, long> _routine = new(StringComparer.Ordinal);

    /// <summary>A round an operator asked for: a new one, or the one asked for less than <see cref="SyncOptions.MinReconcileInterval"/> ago (Coalesced).</summary>
    public async Task<(long Round, bool Coalesced)> StartRequestedRoundAsync()
    {
        if (_requested is { } last && Now - last.At < Options.MinReconcileInterval)
        {
            return (last.Round, true);
        }

        var round = await StartRoundAsync();
        _requested = (round, Now);
        return (round, false);
    }

    /// <summary>A round with every peer (routine: the periodic one, an operator's), or a catch-up, snapshot or join round with <paramref name="onlyPeer"/>.</summary>
    public async Task<long> StartRoundAsync(string? onlyPeer = null)
    {
        var round = ++_roundId;
        foreach (var peer in _peers.Keys.Where(p => onlyPeer is null || p == onlyPeer))
        {
            _routine[peer] = onlyPeer is null ? round : 0;
            await SendSealedAsync(new DigestRequest(Region, peer, round, Options.ReconcileBuckets));
        }

        return round;
    }

    /// <summary>
    /// Whether a catch-up round with <paramref name="peer"/> may start now: not while the last one may still be under
    /// way (not done, and started less than five heartbeats ago). A round started on every heartbeat, from both
    /// sides, stacked repairs up faster than a loaded store applied them.
    /// </summary>
    private bool CatchUpDue(string peer)
    {
        if (_catchUpStartedAt.TryGetValue(peer, out var at) && Now - at < Options.HeartbeatInterval * 5)
        {
            return false;
        }

        _catchUpStartedAt[peer] = Now;
        return true;
    }

    /// <summary>The peer's backlog was just released: only a round started from now on can catch it up.</summary>
    private void CatchUpFromNextRound(string peer) => _catchUpFromRound[peer] = _roundId + 1;

    private async Task OnDigestRequestAsync(DigestRequest request)
    {
        var buckets = Math.Clamp(request.Buckets, 1, 4096);
        await SendSealedAsync(new DigestResponse(Region, request.From, request.RoundId, await _reconciler.DigestsAsync(buckets)));
    }

    private async Task OnDigestResponseAsync(DigestResponse response)
    {
        JoinRoundHeard(response.From, response.RoundId);
        var mine = await _reconciler.SumsAsync(Options.ReconcileBuckets);
        var differing = BucketDigests.Differences(Reconciler.Digests(mine), response.Digests ?? new Dictionary<EntityType, string[]>(), Options.ReconcileBuckets);
        Interlocked.Increment(ref _metrics.ReconcileRounds);
        if (differing.Count == 0)
        {
            await RoundDoneAsync(response.From, response.RoundId);
            return;
        }

        LogReconciling(_log, Region, response.From, differing.Values.Sum(b => b.Length));
        // The stamps of as many differing buckets as one request carries fingerprints of (judged by their row counts), read
        // from the store; their stamp hashes are the fingerprints. The rest of the differing buckets wait for the round that
        // follows this one. Each round starts at another bucket, so that buckets that keep differing under live writes do
        // not starve the rest.
        var (planned, more) = Reconciler.Affordable(differing, mine, Options.ReconcileBuckets, startAt: (int)(response.RoundId % Options.ReconcileBuckets));
        var (asked, held, truncated) = Reconciler.Bounded(await _reconciler.StampsAsync(planned, Options.ReconcileBuckets), planned);
        truncated |= more;
        if (truncated)
        {
            _partial[response.From] = response.RoundId;
        }

        await SendSealedAsync(new RepairRequest(Region, response.From, response.RoundId, asked, Options.ReconcileBuckets, Held: held,
            LeaveInFlight: await LeavesInFlightAsync(response.From, response.RoundId)));
    }

    /// <summary>
    /// Whether our round <paramref name="round"/> with <paramref name="peer"/> leaves changes in flight out: a routine
    /// round, the grace on, and neither the peer waiting for a snapshot from us nor this region joining.
    /// </summary>
    private async Task<bool> LeavesInFlightAsync(string peer, long round) =>
        _routine.GetValueOrDefault(peer) == round && _join is null && await MayLeaveInFlightAsync(peer);

    private async Task<bool> MayLeaveInFlightAsync(string peer) =>
        Options.InFlightGrace > TimeSpan.Zero && !(await _store.PeerStateAsync(peer)).NeedsSnapshot;

    /// <summary>
    /// When leaving changes in flight out, the wall time (ms) a state must be written before to be sent: the grace
    /// before now, or before the oldest change of ours still waiting for <paramref name="peer"/>'s ack if there is one
    /// (the outbox delivers it and everything after it). Younger states are left to the live path, or, if it really
    /// lost one, to the first routine round after it is that old. Null: send everything.
    /// </summary>
    private async Task<long?> InFlightCutoffAsync(string peer, bool leaveInFlight)
    {
        if (!leaveInFlight)
        {
            return null;
        }

        var now = Now.ToUnixTimeMilliseconds();
        var waitingSince = Math.Min(now, (await _store.BacklogAsync(peer)).OldestCommittedAtMs ?? now);
        return waitingSince - (long)Options.InFlightGrace.TotalMilliseconds;
    }

    /// <summary>The states written before <paramref name="cutoff"/> (all of them without one); the rest are counted as left in flight.</summary>
    private async IAsyncEnumerable<ChangeItem> Settled(IAsyncEnumerable<ChangeItem> items, long? cutoff)
    {
        await foreach (var item in items)
        {
            if (item.State.ModifiedAt.WallMilliseconds > cutoff)
            {
                Interlocked.Increment(ref _metrics.RepairsLeftInFlight);
                continue;
            }

            yield return item;
        }
    }

    private async Task OnRepairRequestAsync(RepairRequest request)
    {
        if (request.Ids is { } ids)
        {
            // The peer's answer in a round of ours: what it wants of ours goes out, and the round is done (only in part
            // if the peer had more to send than it could).
            if (request.More)
            {
                _partial[request.From] = request.RoundId;
            }

            var answerBefore = await InFlightCutoffAsync(request.From, await LeavesInFlightAsync(request.From, request.RoundId));
            foreach (var (type, wanted) in ids)
            {
                var states = _reconciler.StatesAsync(type, (wanted ?? []).Take(Reconciler.MaxIdsPerRequest));
                await SendStatesAsync(request.From, request.RoundId, Settled(states, answerBefore));
            }

            await RoundDoneAsync(request.From, request.RoundId);
            return;
        }

        if (request.Buckets is null)
        {
            return;
        }

        var bucketCount = Math.Clamp(request.BucketCount, 1, 4096);
        var want = new Dictionary<EntityType, string[]>();
        var (more, budget) = (false, Options.RepairStatesPerRound);
        var leaveInFlight = request.LeaveInFlight && await MayLeaveInFlightAsync(request.From);
        var settledBefore = await InFlightCutoffAsync(request.From, leaveInFlight);
        foreach (var (type, buckets) in request.Buckets)
        {
            var theirs = request.Held?.GetValueOrDefault(type) ?? NothingHeld;
            var (send, wanted, leftInFlight) = await _reconciler.CompareAsync(type, buckets ?? [], bucketCount, theirs, settledBefore);
            Interlocked.Add(ref _metrics.RepairsLeftInFlight, leftInFlight);
            // What is over this round's budget waits for the next round (the asker learns it from More).
            more |= send.Count > budget;
            var states = _reconciler.StatesAsync(type, send.Take(budget));
            await SendStatesAsync(request.From, request.RoundId, Settled(states, settledBefore));
            budget -= Math.Min(budget, send.Count);
            if (wanted.Count > 0)
            {
                want[type] = [.. wanted];
            }
        }

        // Sent even when empty: it tells the asker that its round is done.
        await SendSealedAsync(new RepairRequest(Region, request.From, request.RoundId, new Dictionary<EntityType, int[]>(), bucketCount, Ids: want, More: more,
            LeaveInFlight: leaveInFlight));
    }

    /// <summary>The states in responses of at most <see cref="Reconciler.MaxStatesPerResponse"/> states and <see cref="Reconciler.MaxStateBytesPerResponse"/> bytes of JSON.</summary>
    private async Task SendStatesAsync(string peer, long round, IAsyncEnumerable<ChangeItem> items)
    {
        var (chunk, bytes) = (new List<ChangeItem>(), 0L);
        await foreach (var item in items)
        {
            if (chunk.Count > 0 && bytes + item.State.Payload?.Length > Reconciler.MaxStateBytesPerResponse)
            {
                await SendChunkAsync();
            }

            chunk.Add(item);
            bytes += item.State.Payload?.Length ?? 0;
            if (chunk.Count == Reconciler.MaxStatesPerResponse)
            {
                await SendChunkAsync(); // a full response leaves before the next read
            }
        }

        if (chunk.Count > 0)
        {
            await SendChunkAsync();
        }

        async Task SendChunkAsync()
        {
            await SendSealedAsync(new RepairResponse(Region, peer, round, _codec.Encode(Region, peer, ++_nextBatchId, chunk)));
            (chunk, bytes) = ([], 0);
        }
    }

    private async Task OnRepairResponseAsync(RepairResponse response)
    {
        if (response.States is { } states && states.From == response.From && await VerifyAsync(states) is { } items)
        {
            var result = await ApplyAsync(response.From, items, recordLag: false);
            Interlocked.Add(ref _metrics.ChangesRepaired, result.Stored.Count);
            JoinRoundHeard(response.From, response.RoundId);
        }
    }

    /// <summary>
    /// A round of ours with <paramref name="peer"/> is done: the digests matched, or our states the peer wanted went
    /// out. If the peer's backlog was released before that round started, it is caught up. Clearing earlier (when
    /// the peer's own round merely asked, or on a round begun before the release) left released changes to the next
    /// periodic round whenever one message of the catch-up was lost.
    /// </summary>
    private async Task RoundDoneAsync(string peer, long round)
    {
        if (round < _firstRound || round > _roundId)
        {
            return; // a round of an earlier activation, or none of ours
        }

        _catchUpStartedAt.Remove(peer);
        // Only part of what differed was compared or shipped: not caught up yet. A peer that needs a snapshot gets the
        // next round on the next heartbeat (CatchUpDue), a joining region at once; otherwise the next periodic round
        // takes the rest.
        var complete = !(_partial.Remove(peer, out var partial) && partial == round);
        if (complete && round >= _catchUpFromRound.GetValueOrDefault(peer, _firstRound) && (await _store.PeerStateAsync(peer)).NeedsSnapshot)
        {
            await _store.ClearNeedsSnapshotAsync(peer);
        }

        await JoinRoundDoneAsync(peer, round, complete);
    }

    private Task OnSnapshotRequestAsync(SnapshotRequest request)
    {
        LogPeerReleasedBacklog(_log, request.From, Region);
        return CatchUpDue(request.From) ? StartRoundAsync(request.From) : Task.CompletedTask;
    }
}
