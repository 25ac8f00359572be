using System.Diagnostics.Metrics;

namespace Haunt.Replication.Engine;

/// <summary>
/// Counters and replication lag of this silo's region, kept in memory and published through the
/// "Haunt.Sync" meter for OpenTelemetry. Lag = origin commit → applied here, over the last samples.
/// </summary>
public sealed class SyncMetrics
{
    public const string MeterName = "Haunt.Sync";
    private const int LagSamples = 8192;
    private readonly Lock _gate = new();
    private readonly (long AtMs, double Lag)[] _lag = new (long, double)[LagSamples];
    private readonly Meter _meter;
    private readonly Histogram<double> _lagHistogram;
    private int _lagCount;
    private int _lagNext;

    /// <summary>The meter comes from the host's <see cref="IMeterFactory"/>, which owns and disposes it (and lets tests listen per host).</summary>
    public SyncMetrics(SiloRegion region, IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        var tags = new KeyValuePair<string, object?>("region", region.Name);
        _lagHistogram = _meter.CreateHistogram<double>("haunt.sync.lag", "ms", "Origin commit to applied in this region");
        _meter.CreateObservableCounter("haunt.sync.changes_sent", () => new Measurement<long>(ChangesSent, tags));
        _meter.CreateObservableCounter("haunt.sync.changes_applied", () => new Measurement<long>(ChangesApplied, tags));
        _meter.CreateObservableCounter("haunt.sync.batches_rejected", () => new Measurement<long>(BatchesRejected, tags));
        _meter.CreateObservableCounter("haunt.sync.conflicts", () => new Measurement<long>(Conflicts, tags));
        _meter.CreateObservableCounter("haunt.sync.bytes_sent", () => new Measurement<long>(BytesSent, tags));
        _meter.CreateObservableCounter("haunt.sync.messages_not_sent", () => new Measurement<long>(MessagesNotSent, tags));
        _meter.CreateObservableCounter("haunt.sync.changes_ignored", () => new Measurement<long>(ChangesIgnored, tags));
        _meter.CreateObservableCounter("haunt.sync.batches_forged", () => new Measurement<long>(BatchesForged, tags));
        _meter.CreateObservableCounter("haunt.sync.batches_clock_ahead", () => new Measurement<long>(BatchesClockAhead, tags));
        _meter.CreateObservableCounter("haunt.sync.messages_refused", () => new Measurement<long>(MessagesRefused, tags));
        _meter.CreateObservableCounter("haunt.sync.conflict_notices_received", () => new Measurement<long>(ConflictNoticesReceived, tags));
        _meter.CreateObservableCounter("haunt.sync.changes_repaired", () => new Measurement<long>(ChangesRepaired, tags));
        _meter.CreateObservableCounter("haunt.sync.reconcile_rounds", () => new Measurement<long>(ReconcileRounds, tags));
        _meter.CreateObservableCounter("haunt.sync.backlogs_released", () => new Measurement<long>(BacklogsReleased, tags));
        _meter.CreateObservableCounter("haunt.sync.refreshes_lost", () => new Measurement<long>(RefreshesLost, tags));
        _meter.CreateObservableCounter("haunt.sync.batches_resent", () => new Measurement<long>(BatchesResent, tags));
        Region = region.Name;
    }

    public string Region { get; }
    public long ChangesSent;
    public long BytesSent;
    public long PayloadBytesSent;
    public long ChangesApplied;
    public long ChangesIgnored;
    public long BatchesRejected;
    public long BatchesForged;
    /// <summary>Batches refused because a change in them was stamped further ahead of this region's clock than MaxClockDrift.</summary>
    public long BatchesClockAhead;
    /// <summary>Sync messages other than batches refused unread: no valid seal (forged or altered), too old, or seen before (replayed or duplicated).</summary>
    public long MessagesRefused;
    public long Conflicts;
    public long ConflictNoticesReceived;
    public long ChangesRepaired;
    public long ReconcileRounds;
    public long BacklogsReleased;
    /// <summary>Refresh messages to another silo of the region that failed (its grains re-read within the cache age).</summary>
    public long RefreshesLost;
    /// <summary>Sync messages the peer link dropped before sending (peer not connected, or its send window full); the outbox resends.</summary>
    public long MessagesNotSent;
    /// <summary>Copies of batches sent again (lost, refused, or as a probe of a peer that has not acked in time).</summary>
    public long BatchesResent;

    /// <summary>How far back the lag percentiles look.</summary>
    public static TimeSpan LagWindow { get; } = TimeSpan.FromSeconds(10);

    /// <summary>One change from <paramref name="origin"/> applied here, <paramref name="milliseconds"/> after its commit there.</summary>
    public void RecordLag(double milliseconds, string origin)
    {
        _lagHistogram.Record(milliseconds, new KeyValuePair<string, object?>("region", Region), new KeyValuePair<string, object?>("origin", origin));
        lock (_gate)
        {
            _lag[_lagNext] = (Environment.TickCount64, milliseconds);
            _lagNext = (_lagNext + 1) % LagSamples;
            _lagCount = Math.Min(_lagCount + 1, LagSamples);
        }
    }

    /// <summary>Lag percentile (0–100) over the samples of the last <see cref="LagWindow"/>; 0 when none.</summary>
    public double LagPercentile(double percentile)
    {
        double[] copy;
        var since = Environment.TickCount64 - (long)LagWindow.TotalMilliseconds;
        lock (_gate)
        {
            copy = _lag[.._lagCount].Where(s => s.AtMs >= since).Select(s => s.Lag).ToArray();
        }

        if (copy.Length == 0)
        {
            return 0;
        }

        Array.Sort(copy);
        var index = (int)Math.Ceiling(percentile / 100 * copy.Length) - 1;
        return copy[Math.Clamp(index, 0, copy.Length - 1)];
    }
}
