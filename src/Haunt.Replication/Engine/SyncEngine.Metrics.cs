using System.Text.Json;

namespace Haunt.Replication.Engine;

// Every 10 s: one node_metrics row with the region's sync figures (old rows pruned); the backlog gauges per pair and
// the feed's consumer-group gauges.
public sealed partial class SyncEngine
{
    private (DateTimeOffset At, long Sent, long Applied)? _lastSample;

    public async Task RecordMetricsAsync()
    {
        var now = Now;
        var (sent, applied) = (Interlocked.Read(ref _metrics.ChangesSent), Interlocked.Read(ref _metrics.ChangesApplied));
        var seconds = _lastSample is { } last ? Math.Max(0.001, (now - last.At).TotalSeconds) : 0;
        var peers = new Dictionary<string, object>();
        foreach (var peer in _peers.Keys)
        {
            var backlog = await _store.BacklogAsync(peer);
            RecordBacklog(peer, backlog);
            peers[peer] = new
            {
                queueDepth = backlog.Rows,
                queueBytes = backlog.Bytes,
                oldestAgeMs = backlog.OldestCommittedAtMs is { } ms ? Math.Max(0, now.ToUnixTimeMilliseconds() - ms) : 0,
            };
        }

        _metrics.FeedConsumers = await StoredStatus.FeedConsumersAsync(_store, now, Options.FeedStuckAfter);
        var row = new
        {
            region = Region,
            peers,
            sentPerSecond = seconds > 0 ? (sent - _lastSample!.Value.Sent) / seconds : 0,
            appliedPerSecond = seconds > 0 ? (applied - _lastSample!.Value.Applied) / seconds : 0,
            bytesSent = Interlocked.Read(ref _metrics.BytesSent),
            conflicts = Interlocked.Read(ref _metrics.Conflicts),
            batchesRejected = Interlocked.Read(ref _metrics.BatchesRejected),
            messagesNotSent = Interlocked.Read(ref _metrics.MessagesNotSent),
            batchesResent = Interlocked.Read(ref _metrics.BatchesResent),
            deltas = _metrics.Deltas,
            feed = _metrics.FeedConsumers,
            lagP50Ms = _metrics.LagPercentile(50),
            lagP99Ms = _metrics.LagPercentile(99),
        };
        _lastSample = (now, sent, applied);
        var nowMs = now.ToUnixTimeMilliseconds();
        await _store.AppendMetricsAsync(nowMs, JsonSerializer.Serialize(row), nowMs - (long)Options.MetricsRetention.TotalMilliseconds);
        await _store.PruneConflictsAsync(nowMs - (long)Options.ConflictRetention.TotalMilliseconds);
        await _store.PruneFeedAsync(nowMs - (long)Options.FeedRetention.TotalMilliseconds);
    }

    /// <summary>The outbox for <paramref name="peer"/> as just read, for the backlog gauges (read on the ticks that read it anyway: no query of its own).</summary>
    private void RecordBacklog(string peer, Backlog backlog) => _metrics.Link(peer).Backlog(backlog.Rows, backlog.Bytes,
        backlog.OldestCommittedAtMs is { } ms ? Math.Max(0, Now.ToUnixTimeMilliseconds() - ms) : 0);
}
