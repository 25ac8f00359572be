using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Anti-entropy: DigestRequest → DigestResponse → (buckets differ) RepairRequest → RepairResponse both ways.
// Repairs go through the same apply path as live changes, so the conflict policy holds for them too.
public sealed partial class SyncEngine
{
    private readonly Dictionary<string, DateTimeOffset> _catchUpStartedAt = new(StringComparer.Ordinal);
    private long _roundId;

    /// <summary>
    /// Whether a catch-up round with <paramref name="peer"/> may start now: not while the last one may still be under
    /// way (its digest reply not back, and less than five heartbeats ago). A round started on every heartbeat, from
    /// both sides, stacked repairs up faster than a loaded store applied them.
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

    public async Task<long> StartRoundAsync(string? onlyPeer = null)
    {
        var round = ++_roundId;
        foreach (var peer in _peers.Keys.Where(p => onlyPeer is null || p == onlyPeer))
        {
            await _link.SendAsync(new DigestRequest(Region, peer, round, Options.ReconcileBuckets));
        }

        return round;
    }

    private async Task OnDigestRequestAsync(DigestRequest request)
    {
        var buckets = Math.Clamp(request.Buckets, 1, 4096);
        await _link.SendAsync(new DigestResponse(Region, request.From, request.RoundId, await _reconciler.DigestsAsync(buckets)));
    }

    private async Task OnDigestResponseAsync(DigestResponse response)
    {
        var mine = await _reconciler.DigestsAsync(Options.ReconcileBuckets);
        var differing = BucketDigests.Differences(mine, response.Digests ?? new Dictionary<EntityType, string[]>(), Options.ReconcileBuckets);
        Interlocked.Increment(ref _metrics.ReconcileRounds);
        if (differing.Count > 0)
        {
            LogReconciling(_log, Region, response.From, differing.Values.Sum(b => b.Length));
            await _link.SendAsync(new RepairRequest(Region, response.From, response.RoundId, differing, Options.ReconcileBuckets));
            await SendRepairAsync(response.From, response.RoundId, differing, Options.ReconcileBuckets);
        }

        _catchUpStartedAt.Remove(response.From);

        // A peer whose backlog was released is caught up only once a round of ours with it has come back and
        // our states for every differing bucket went out. Clearing earlier (when its own round merely asked)
        // left the released changes to the next periodic round whenever one reply of that round was lost.
        if ((await _store.PeerStateAsync(response.From)).NeedsSnapshot)
        {
            await _store.ClearNeedsSnapshotAsync(response.From);
        }
    }

    private Task OnRepairRequestAsync(RepairRequest request) =>
        request.Buckets is null ? Task.CompletedTask : SendRepairAsync(request.From, request.RoundId, request.Buckets, Math.Clamp(request.BucketCount, 1, 4096));

    private async Task SendRepairAsync(string peer, long round, IReadOnlyDictionary<EntityType, int[]> buckets, int bucketCount)
    {
        var items = await _reconciler.StatesInAsync(buckets, bucketCount);
        foreach (var chunk in items.Chunk(Reconciler.MaxStatesPerResponse))
        {
            var states = _codec.Encode(Region, peer, ++_nextBatchId, chunk);
            await _link.SendAsync(new RepairResponse(Region, peer, round, states));
        }
    }

    private async Task OnRepairResponseAsync(RepairResponse response)
    {
        if (response.States is { } states && states.From == response.From && await VerifyAsync(states) is { } items)
        {
            var result = await ApplyAsync(response.From, items, recordLag: false);
            Interlocked.Add(ref _metrics.ChangesRepaired, result.Stored.Count);
        }
    }

    private Task OnSnapshotRequestAsync(SnapshotRequest request)
    {
        LogPeerReleasedBacklog(_log, request.From, Region);
        return CatchUpDue(request.From) ? StartRoundAsync(request.From) : Task.CompletedTask;
    }
}
