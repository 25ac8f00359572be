using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Haunt.Grains.Sync;

namespace Haunt.Bench;

/// <summary>Collects every replication-lag measurement of the "Haunt.Sync" meter while enabled, by link (origin → region).</summary>
public sealed class LagListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Link, double Ms)> _samples = new();
    private volatile bool _recording;

    public LagListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName && instrument.Name == "haunt.sync.lag")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (_recording)
            {
                string? origin = null, region = null;
                foreach (var tag in tags)
                {
                    (origin, region) = tag.Key switch
                    {
                        "origin" => (tag.Value as string, region),
                        "region" => (origin, tag.Value as string),
                        _ => (origin, region),
                    };
                }

                _samples.Enqueue(($"{origin}→{region}", value));
            }
        });
        _listener.Start();
    }

    public void Start()
    {
        _samples.Clear();
        _recording = true;
    }

    /// <summary>Stops recording and returns the percentiles over every link together.</summary>
    public LagFigures Stop() => Percentiles(StopSamples());

    /// <summary>Stops recording and returns every sample (ms, all links), to pool with other windows'.</summary>
    public double[] StopSamples()
    {
        _recording = false;
        return _samples.Select(s => s.Ms).ToArray();
    }

    /// <summary>Stops recording and returns the percentiles of each link (origin → region).</summary>
    public IReadOnlyDictionary<string, LagFigures> StopByLink()
    {
        _recording = false;
        return _samples.GroupBy(s => s.Link).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Percentiles(g.Select(s => s.Ms)));
    }

    public static LagFigures Percentiles(IEnumerable<double> samples)
    {
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LagFigures(sorted.Length, At(50), At(95), At(99));
    }

    public void Dispose() => _listener.Dispose();
}
