using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Haunt.Replication.Engine;

/// <summary>
/// Counters and replication lag of this silo's region, kept in memory and published through the
/// "Haunt.Sync" meter for OpenTelemetry (instruments in SyncMetrics.Instruments.cs). The region's totals are the
/// fields below, read by the status and the console; what is per region pair is in <see cref="LinkMetrics"/>.
/// Lag = origin commit → applied here, over the last samples.
/// </summary>
public sealed partial class SyncMetrics
{
    public const string MeterName = "Haunt.Sync";

    /// <summary>The origin of a refused message that names a region outside the membership: a label of its own, so that a forger cannot mint series.</summary>
    public const string UnknownRegion = "unknown";

    private const int LagSamples = 8192;
    private readonly Lock _gate = new();
    private readonly (long AtMs, double Lag)[] _lag = new (long, double)[LagSamples];
    private readonly ConcurrentDictionary<string, LinkMetrics> _links = new(StringComparer.Ordinal);
    private readonly SiloRegion _silo;
    private int _lagCount;
    private int _lagNext;

    /// <summary>The meter comes from the host's <see cref="IMeterFactory"/>, which owns and disposes it (and lets tests listen per host).</summary>
    public SyncMetrics(SiloRegion region, IMeterFactory meters)
    {
        _silo = region;
        Region = region.Name;
        _meter = meters.Create(MeterName);
        _lagHistogram = CreateInstruments();
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
    /// <summary>States a routine round found different but left to the live path: written too recently to tell from changes in flight.</summary>
    public long RepairsLeftInFlight;
    public long ReconcileRounds;
    public long BacklogsReleased;
    /// <summary>Refresh messages to another silo of the region that failed (its grains re-read within the cache age).</summary>
    public long RefreshesLost;
    /// <summary>Sync messages the peer link dropped before sending (peer not connected, or its send window full); the outbox resends.</summary>
    public long MessagesNotSent;
    /// <summary>Copies of batches sent again (lost, refused, or as a probe of a peer that has not acked in time).</summary>
    public long BatchesResent;
    /// <summary>Large updates sent as a delta against the version the peer was expected to hold.</summary>
    public long DeltasSent;
    /// <summary>Bytes of state JSON the deltas sent left out (state minus patch, before compression).</summary>
    public long DeltaBytesSaved;
    /// <summary>Deltas received and made whole against the state held here.</summary>
    public long DeltasApplied;
    /// <summary>Deltas received whose base this region did not hold (or whose result did not hash as sent): refused in the ack.</summary>
    public long DeltasRefused;
    /// <summary>Changes sent as deltas that went again whole: refused by the peer, or in a batch a peer of an older release refused.</summary>
    public long DeltaFallbacks;

    /// <summary>The feed's consumer groups as the metrics loop last read them (every MetricsInterval).</summary>
    public FeedConsumers FeedConsumers { get; set; } = FeedConsumers.None;

    /// <summary>The delta counters as the status and health report them.</summary>
    public DeltaCounts Deltas => new(Interlocked.Read(ref DeltasSent), Interlocked.Read(ref DeltasApplied), Interlocked.Read(ref DeltasRefused),
        Interlocked.Read(ref DeltaFallbacks), Interlocked.Read(ref DeltaBytesSaved));

    /// <summary>How far back the lag percentiles look.</summary>
    public static TimeSpan LagWindow { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The figures of the pair this region / <paramref name="peer"/>, made on first use (a dictionary read after that).</summary>
    public LinkMetrics Link(string peer) => _links.GetOrAdd(peer, static (p, region) => new LinkMetrics(region, p), Region);

    /// <summary>A region left the membership: its pair's series end here rather than report frozen figures.</summary>
    public void Forget(string peer) => _links.TryRemove(peer, out _);

    /// <summary>One change from <paramref name="origin"/> applied here, <paramref name="milliseconds"/> after its commit there.</summary>
    public void RecordLag(double milliseconds, string origin) => RecordLag(milliseconds, Link(origin));

    /// <summary>One change from the peer of <paramref name="link"/> applied here, <paramref name="milliseconds"/> after its commit there.</summary>
    public void RecordLag(double milliseconds, LinkMetrics link)
    {
        _lagHistogram.Record(milliseconds, link.Incoming);
        lock (_gate)
        {
            _lag[_lagNext] = (Environment.TickCount64, milliseconds);
            _lagNext = (_lagNext + 1) % LagSamples;
            _lagCount = Math.Min(_lagCount + 1, LagSamples);
        }
    }

    /// <summary>A message from <paramref name="from"/> refused for <paramref name="reason"/> (one of <see cref="RejectReasons"/>).</summary>
    public void Rejected(string from, string reason)
    {
        var origin = _silo.Regions.Contains(from) && from != Region ? from : UnknownRegion;
        _rejects.Add(1, new TagList { { "region", Region }, { "origin", origin }, { "destination", Region }, { "reason", reason } });
    }

    /// <summary>A change from <paramref name="origin"/> met a concurrent one here and <paramref name="policy"/> resolved it.</summary>
    public void Conflict(string origin, EntityType type, string policy) =>
        _conflicts.Add(1, new TagList { { "region", Region }, { "origin", origin }, { "destination", Region }, { "entity_type", type.ToString() }, { "policy", policy } });

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
