using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Receiving: verify a batch whole before applying anything, apply it in one store transaction through the
// conflict policy, refresh the active grains it touched, ack.
public sealed partial class SyncEngine
{
    private async Task ReceiveBatchAsync(ChangeBatch batch)
    {
        if (await VerifyAsync(batch) is not { } received)
        {
            return;
        }

        var (items, refused) = await MakeWholeAsync(batch.From, received);
        var result = await ApplyAsync(batch.From, items, recordLag: true);
        Interlocked.Add(ref _metrics.Link(batch.From).BytesApplied, batch.Body.Length);
        await SendSealedAsync(new BatchAck(Region, batch.From, batch.BatchId, result.Stored.Count, result.Conflicts.Count, batch.SentAt, refused));
    }

    /// <summary>The batch's changes, or null if it was refused (counted, logged, and answered with BatchReject).</summary>
    private async Task<IReadOnlyList<ChangeItem>?> VerifyAsync(ChangeBatch batch)
    {
        var decoded = AheadOfClock(_codec.Decode(batch, Silo));
        if (decoded.Fault == BatchFault.None)
        {
            return decoded.Items;
        }

        Interlocked.Increment(ref _metrics.BatchesRejected);
        if (decoded.Fault == BatchFault.Forged)
        {
            Interlocked.Increment(ref _metrics.BatchesForged);
        }
        else if (decoded.Fault == BatchFault.ClockAhead)
        {
            Interlocked.Increment(ref _metrics.BatchesClockAhead);
        }

        _metrics.Rejected(batch.From, RejectReasons.Of(decoded.Fault));
        LogBatchRejected(_log, batch.BatchId, batch.From, batch.To, decoded.Fault, decoded.Reason);
        await SendSealedAsync(new BatchReject(Region, batch.From, batch.BatchId, $"{decoded.Fault}: {decoded.Reason}"));
        return null;
    }

    /// <summary>The batch refused if a change in it is stamped past <see cref="SyncOptions.MaxClockDrift"/> ahead of this region's clock.</summary>
    private DecodedBatch AheadOfClock(DecodedBatch decoded)
    {
        var limit = (Now + Options.MaxClockDrift).ToUnixTimeMilliseconds();
        return decoded.Items.FirstOrDefault(i => i.State.ModifiedAt.WallMilliseconds > limit) is { } ahead
            ? DecodedBatch.Refused(BatchFault.ClockAhead, $"{ahead.State.Type} '{ahead.State.Id}' is stamped " +
                $"{ahead.State.ModifiedAt.WallMilliseconds - Now.ToUnixTimeMilliseconds()} ms ahead of this region's clock (Haunt:Sync:MaxClockDrift {Options.MaxClockDrift})")
            : decoded;
    }

    /// <summary>
    /// The one apply path, for live changes and reconciliation repairs alike. Only whole states get here: a delta in a
    /// repair response (which never carries them) is dropped, and the next round ships that state.
    /// </summary>
    private async Task<ApplyResult> ApplyAsync(string origin, IReadOnlyList<ChangeItem> items, bool recordLag)
    {
        if (items.Any(i => i.Delta is not null))
        {
            items = [.. items.Where(i => i.Delta is null)];
        }

        foreach (var item in items)
        {
            _clock.Observe(item.State.ModifiedAt);
        }

        using var span = SyncTracing.StartApply(Region, origin, items);
        var result = await _store.ApplyRemoteAsync(origin, items, _resolver);
        span?.SetTag("haunt.stored", result.Stored.Count);
        var link = _metrics.Link(origin);
        if (recordLag && result.Stored.Count > 0)
        {
            var now = Now.ToUnixTimeMilliseconds();
            var stored = result.Stored.Select(s => (s.Type, s.Id)).ToHashSet();
            foreach (var item in items.Where(i => stored.Contains((i.State.Type, i.State.Id))))
            {
                _metrics.RecordLag(Math.Max(0, now - item.CommittedAtMs), link);
            }
        }

        Interlocked.Add(ref _metrics.ChangesApplied, result.Stored.Count);
        Interlocked.Add(ref _metrics.ChangesIgnored, result.Ignored);
        Interlocked.Add(ref _metrics.Conflicts, result.Conflicts.Count);
        Interlocked.Add(ref link.ChangesApplied, result.Stored.Count);
        Interlocked.Add(ref link.ChangesIgnored, result.Ignored);
        ExpectStored(result.Stored);
        await _onStored(result.Stored);
        foreach (var conflict in result.Conflicts)
        {
            _metrics.Conflict(origin, conflict.EntityType, conflict.Policy);
            await SendSealedAsync(new ConflictNotice(Region, origin, conflict.EntityType, conflict.EntityId, conflict.Winner, conflict.Policy));
        }

        return result;
    }

    private Task OnConflictNoticeAsync(ConflictNotice notice)
    {
        Interlocked.Increment(ref _metrics.ConflictNoticesReceived);
        LogConflictNotice(_log, notice.From, notice.EntityType, notice.EntityId, notice.Winner, notice.Policy);
        return Task.CompletedTask;
    }
}
