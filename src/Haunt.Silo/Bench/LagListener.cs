using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Haunt.Grains.Sync;

namespace Haunt.Silo.Bench;

/// <summary>Collects every replication-lag measurement of the "Haunt.Sync" meter while enabled.</summary>
public sealed class LagListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<double> _samples = new();
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
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (_recording)
            {
                _samples.Enqueue(value);
            }
        });
        _listener.Start();
    }

    public void Start()
    {
        _samples.Clear();
        _recording = true;
    }

    /// <summary>Stops recording and returns (count, p50, p95, p99) in milliseconds.</summary>
    public (int Count, double P50, double P95, double P99) Stop()
    {
        _recording = false;
        var sorted = _samples.ToArray();
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return (sorted.Length, At(50), At(95), At(99));
    }

    public void Dispose() => _listener.Dispose();
}
