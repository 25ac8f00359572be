using System.IO.Compression;
using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Deltas: a large update goes to a peer as a JSON Patch against the version that peer is expected to hold (its base,
// kept per peer in PeerLink.Bases), when the patch is smaller than the state after compression. The receiver makes it
// whole against what it holds, only if that is exactly the base (vector and hash) and the result hashes as the sender
// said; otherwise it refuses that change in its ack, and the change stays in the sender's outbox and goes again whole.
// Everything after (conflict detection, policies, storage, the conflict log) sees whole states only.
public sealed partial class SyncEngine
{
    private readonly RecentChanges _recent = new(4096);

    /// <summary>
    /// The wire form of <paramref name="rows"/> for <paramref name="peer"/>: large updates as deltas where that pays,
    /// everything else as the outbox wrote it. <paramref name="deltas"/> gets the entity of each change sent as a delta.
    /// </summary>
    private List<string> WireItems(PeerLink peer, IReadOnlyList<OutboxRow> rows, Dictionary<long, EntityRef> deltas)
    {
        var items = new List<string>(rows.Count);
        var deltasOn = Options.DeltaMinBytes > 0 && Now >= peer.DeltasPausedUntil;
        foreach (var row in rows)
        {
            if (!deltasOn || row.Bytes < Options.DeltaMinBytes)
            {
                items.Add(row.ItemJson);
                continue;
            }

            var (item, next) = _recent.Of(row);
            var entity = EntityRef.Of(item.State);
            var delta = next is not null && item.Operation == SyncOperation.Update && peer.Bases.Find(entity) is { } known
                ? next.DeltaFrom(known, DeltaTo)
                : null;
            if (delta is null)
            {
                items.Add(row.ItemJson);
            }
            else
            {
                items.Add(StateJson.Serialize(item.AsDelta(delta)));
                deltas[row.Seq] = entity;
                Interlocked.Increment(ref _metrics.DeltasSent);
                Interlocked.Add(ref _metrics.DeltaBytesSaved, item.State.Payload.Length - delta.Patch.Length);
            }

            Expect(peer, entity, next);
        }

        return items;
    }

    /// <summary>The delta from <paramref name="from"/> to <paramref name="to"/>, or null when the state should go whole.</summary>
    private static StateDelta? DeltaTo(DeltaBase from, DeltaBase to)
    {
        if (to.Vector.Compare(from.Vector) != VectorOrder.Newer || JsonDelta.Between(from.Payload, to.Payload) is not { } patch
            || patch.Length >= to.Payload.Length || CompressedLength(patch) >= CompressedLength(to.Payload))
        {
            return null;
        }

        return new StateDelta(from.Vector, from.Hash, patch, to.Hash);
    }

    /// <summary>Brotli at its fastest: only to compare a patch with its state as a batch would carry them.</summary>
    private static int CompressedLength(string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
        return BrotliEncoder.TryCompress(bytes, output, out var written, quality: 1, window: 22) ? written : bytes.Length;
    }

    /// <summary>
    /// <paramref name="peer"/> will hold <paramref name="state"/> of <paramref name="entity"/> (null: a tombstone, nothing
    /// to diff against) unless it holds a newer one already as far as this region knows.
    /// </summary>
    private static void Expect(PeerLink peer, EntityRef entity, DeltaBase? state)
    {
        if (state is null)
        {
            peer.Bases.Forget(entity);
        }
        else if (peer.Bases.Find(entity) is not { } known || state.Vector.Compare(known.Vector) is VectorOrder.Newer or VectorOrder.Concurrent)
        {
            peer.Bases.Remember(entity, state);
        }
    }

    /// <summary>
    /// States this region just stored from a peer: the peer holds them, and the other peers got them from it too unless
    /// a link is behind (then their refusal costs one whole resend). So a region's next write of an entity another
    /// region wrote last goes as a delta as well.
    /// </summary>
    private void ExpectStored(IReadOnlyList<EntityState> stored)
    {
        if (Options.DeltaMinBytes == 0)
        {
            return;
        }

        foreach (var state in stored)
        {
            if (state.Deleted || state.Payload.Length >= Options.DeltaMinBytes)
            {
                var known = state.Deleted ? null : new DeltaBase(state.Vector, state.Payload);
                foreach (var peer in _peers.Values)
                {
                    Expect(peer, EntityRef.Of(state), known);
                }
            }
        }
    }

    /// <summary>
    /// The batch's changes with every delta made whole against what this region holds (or held earlier in the same
    /// batch). A delta this region already holds (or holds newer) is dropped as a duplicate; one whose base it does not
    /// hold, or whose result does not hash as sent, is refused: its seq is returned for the ack.
    /// </summary>
    private async Task<(IReadOnlyList<ChangeItem> Items, long[]? Refused)> MakeWholeAsync(string origin, IReadOnlyList<ChangeItem> items)
    {
        if (!items.Any(i => i.Delta is not null))
        {
            return (items, null);
        }

        var held = await HeldAsync(items.Where(i => i.Delta is not null).Select(i => EntityRef.Of(i.State)).ToHashSet());
        var whole = new List<ChangeItem>(items.Count);
        var refused = new List<long>();
        foreach (var item in items)
        {
            var entity = EntityRef.Of(item.State);
            held.TryGetValue(entity, out var current);
            if (item.Delta is not { } delta)
            {
                whole.Add(item);
                if (held.ContainsKey(entity) && (current is null || item.State.Vector.Compare(current.Vector) == VectorOrder.Newer))
                {
                    held[entity] = item.State;
                }

                continue;
            }

            if (current is not null && current.Vector.Compare(item.State.Vector) is VectorOrder.Equal or VectorOrder.Newer)
            {
                Interlocked.Increment(ref _metrics.ChangesIgnored); // a copy of a change applied before
                Interlocked.Increment(ref _metrics.Link(origin).ChangesIgnored);
                continue;
            }

            var payload = current is not null && current.Vector == delta.BaseVector && PayloadHash.Of(current.Payload) == delta.BaseHash
                ? JsonDelta.Apply(current.Payload, delta.Patch)
                : null;
            if (payload is null || PayloadHash.Of(payload) != delta.ResultHash)
            {
                refused.Add(item.Seq);
                Interlocked.Increment(ref _metrics.DeltasRefused);
                LogDeltaRefused(_log, item.State.Type, item.State.Id, origin, delta.BaseVector.ToString(), current?.Vector.ToString() ?? "nothing");
                continue;
            }

            var made = item.WithPayload(payload);
            whole.Add(made);
            held[entity] = made.State;
            Interlocked.Increment(ref _metrics.DeltasApplied);
        }

        return (whole, refused.Count == 0 ? null : [.. refused]);
    }

    /// <summary>What this region holds of <paramref name="entities"/> (an entry for each, null when it holds none).</summary>
    private async Task<Dictionary<EntityRef, EntityState?>> HeldAsync(IReadOnlySet<EntityRef> entities)
    {
        var held = entities.ToDictionary(e => e, _ => (EntityState?)null);
        foreach (var type in entities.GroupBy(e => e.Type))
        {
            foreach (var state in await _store.ReadManyAsync(type.Key, type.Select(e => e.Id).ToList()))
            {
                held[EntityRef.Of(state)] = state;
            }
        }

        return held;
    }

    /// <summary>
    /// The peer acked <paramref name="acked"/> and refused <paramref name="refused"/> of the deltas in it: the seqs to
    /// mark delivered. A refused change stays in the outbox and, its base forgotten, goes again whole.
    /// </summary>
    private IReadOnlyList<long> DeliveredOf(PeerLink peer, AckedBatch acked, long[]? refused)
    {
        var undelivered = (refused ?? []).Where(acked.Deltas.ContainsKey).ToHashSet();
        if (undelivered.Count == 0)
        {
            return acked.Seqs;
        }

        foreach (var seq in undelivered)
        {
            peer.Bases.Forget(acked.Deltas[seq]);
        }

        Interlocked.Add(ref _metrics.DeltaFallbacks, undelivered.Count);
        return acked.Seqs.Where(s => !undelivered.Contains(s)).ToList();
    }

    /// <summary>
    /// A peer refused a batch with deltas in it as malformed: a region of a release before deltas (it requires every
    /// payload). The batch is taken back, its changes go again whole, and the peer gets no deltas for a while.
    /// </summary>
    private bool WithdrawnForDeltas(PeerLink peer, BatchReject reject)
    {
        if (reject.Reason?.StartsWith(nameof(BatchFault.Malformed), StringComparison.Ordinal) != true || !peer.CarriesDeltas(reject.BatchId)
            || peer.Withdraw(reject.BatchId) is not { } deltas)
        {
            return false;
        }

        peer.DeltasPausedUntil = Now + Options.DeltaRetryAfter;
        peer.Bases.Clear();
        Interlocked.Add(ref _metrics.DeltaFallbacks, deltas.Count);
        LogDeltasPaused(_log, peer.Peer, Options.DeltaRetryAfter);
        return true;
    }
}
