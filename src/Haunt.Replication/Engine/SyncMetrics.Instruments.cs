using System.Diagnostics.Metrics;

namespace Haunt.Replication.Engine;

// The "Haunt.Sync" instruments. Every one carries `region` (the region whose silo reports it); what belongs to a
// region pair also carries `origin` and `destination`, so `sum by (region)` gives the region's figure as before the
// pair labels came. Counters an operator reads for the region only (reconcile rounds, lost refreshes) stay per region.
public sealed partial class SyncMetrics
{
    // Upper bounds in ms: a change applied within a few ms on a LAN, and one held by a cut or a slow peer for a minute.
    private static readonly double[] s_lagBounds = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000];

    private readonly Meter _meter;
    private readonly Histogram<double> _lagHistogram;
    private Counter<long> _rejects = null!;
    private Counter<long> _conflicts = null!;

    private Histogram<double> CreateInstruments()
    {
        var tags = new KeyValuePair<string, object?>("region", Region);
        foreach (var (name, read) in new (string, Func<long>)[]
        {
            ("haunt.sync.batches_rejected", () => Interlocked.Read(ref BatchesRejected)),
            ("haunt.sync.batches_forged", () => Interlocked.Read(ref BatchesForged)),
            ("haunt.sync.batches_clock_ahead", () => Interlocked.Read(ref BatchesClockAhead)),
            ("haunt.sync.messages_refused", () => Interlocked.Read(ref MessagesRefused)),
            ("haunt.sync.conflict_notices_received", () => Interlocked.Read(ref ConflictNoticesReceived)),
            ("haunt.sync.changes_repaired", () => Interlocked.Read(ref ChangesRepaired)),
            ("haunt.sync.repairs_left_in_flight", () => Interlocked.Read(ref RepairsLeftInFlight)),
            ("haunt.sync.reconcile_rounds", () => Interlocked.Read(ref ReconcileRounds)),
            ("haunt.sync.backlogs_released", () => Interlocked.Read(ref BacklogsReleased)),
            ("haunt.sync.refreshes_lost", () => Interlocked.Read(ref RefreshesLost)),
            ("haunt.sync.deltas_sent", () => Interlocked.Read(ref DeltasSent)),
            ("haunt.sync.delta_bytes_saved", () => Interlocked.Read(ref DeltaBytesSaved)),
            ("haunt.sync.deltas_applied", () => Interlocked.Read(ref DeltasApplied)),
            ("haunt.sync.deltas_refused", () => Interlocked.Read(ref DeltasRefused)),
            ("haunt.sync.delta_fallbacks", () => Interlocked.Read(ref DeltaFallbacks)),
        })
        {
            _meter.CreateObservableCounter(name, () => new Measurement<long>(read(), tags));
        }

        PerPair("haunt.sync.changes_sent", "Changes the destination acked", l => l.Outgoing, l => Interlocked.Read(ref l.ChangesSent));
        PerPair("haunt.sync.bytes_sent", "Bytes of change batches sent (first copies)", l => l.Outgoing, l => Interlocked.Read(ref l.BytesSent));
        PerPair("haunt.sync.batches_resent", "Copies of change batches sent again", l => l.Outgoing, l => Interlocked.Read(ref l.BatchesResent));
        PerPair("haunt.sync.messages_not_sent", "Sync messages the link dropped before sending", l => l.Outgoing, l => Interlocked.Read(ref l.MessagesNotSent));
        PerPair("haunt.sync.changes_applied", "Changes stored at the destination, live or repaired", l => l.Incoming, l => Interlocked.Read(ref l.ChangesApplied));
        PerPair("haunt.sync.changes_ignored", "Changes the destination already held", l => l.Incoming, l => Interlocked.Read(ref l.ChangesIgnored));
        PerPair("haunt.sync.bytes_applied", "Bytes of live change batches verified and applied", l => l.Incoming, l => Interlocked.Read(ref l.BytesApplied));
        _meter.CreateObservableGauge("haunt.sync.backlog.rows", () => _links.Values.Select(l => new Measurement<long>(Volatile.Read(ref l.BacklogRows), l.Outgoing)),
            "{change}", "Outbox rows at the origin not yet acked by the destination");
        _meter.CreateObservableGauge("haunt.sync.backlog.bytes", () => _links.Values.Select(l => new Measurement<long>(Volatile.Read(ref l.BacklogBytes), l.Outgoing)),
            "By", "Outbox bytes at the origin not yet acked by the destination");
        _meter.CreateObservableGauge("haunt.sync.backlog.oldest_age", () => _links.Values.Select(l => new Measurement<long>(Volatile.Read(ref l.OldestPendingAgeMs), l.Outgoing)),
            "ms", "Age of the oldest change waiting for the destination's ack");
        _meter.CreateObservableGauge("haunt.sync.link.state", () => _links.Values.SelectMany(l => l.StateTags.Select((t, i) => new Measurement<int>(l.State == i ? 1 : 0, t))),
            null, "1 for the link's current state (idle, sending, retrying), 0 for the others");
        _meter.CreateObservableGauge("haunt.feed.consumer_groups", () => new Measurement<long>(FeedConsumers.Groups, tags), "{group}",
            "Consumer groups with a checkpoint stored in this region's feed");
        _meter.CreateObservableGauge("haunt.feed.consumer_groups_stuck", () => new Measurement<long>(FeedConsumers.Stuck, tags), "{group}",
            "Consumer groups behind the feed's head that stored no checkpoint for Haunt:Sync:FeedStuckAfter");
        _meter.CreateObservableGauge("haunt.feed.consumer_lag", () => new Measurement<long>(FeedConsumers.MaxBehindChanges, tags), "{change}",
            "Changes after the checkpoint of the consumer group furthest behind");
        _meter.CreateObservableGauge("haunt.feed.consumer_lag_age", () => new Measurement<double>(FeedConsumers.MaxBehindSeconds, tags), "s",
            "How long the first change the furthest-behind consumer group has not processed has waited");
        _rejects = _meter.CreateCounter<long>("haunt.sync.rejects", null, "Messages refused at the destination, by reason");
        _conflicts = _meter.CreateCounter<long>("haunt.sync.conflicts", null, "Concurrent changes resolved at the destination, by entity type and policy");
        return _meter.CreateHistogram("haunt.sync.lag", "ms", "Origin commit to applied at the destination", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = s_lagBounds });
    }

    private void PerPair(string name, string description, Func<LinkMetrics, KeyValuePair<string, object?>[]> tags, Func<LinkMetrics, long> read) =>
        _meter.CreateObservableCounter(name, () => _links.Values.Select(l => new Measurement<long>(read(l), tags(l))), null, description);
}
