using System.Diagnostics;
using Haunt.Grains.Sync;

namespace Haunt.Bench;

/// <summary>Replication across a WAN: what the slow-link phase measured.</summary>
public sealed record SlowLink(
    IReadOnlyDictionary<string, double> OneWayDelayMs,
    double ReplicatedChangesPerSecond,
    int LagRate,
    IReadOnlyDictionary<string, LagFigures> LagByLink);

/// <summary>
/// The replicated phases again with a one-way delay on every cross-region link (through the fault seam: this
/// machine's kernel has no netem): closed-loop throughput until every region applied everything, then lag
/// per link at 1,000 writes/s. A send window of one batch would cap a link at one batch per round trip.
/// </summary>
public static class SlowLinkPhase
{
    public const int LagRate = 1000;

    public static readonly IReadOnlyDictionary<(string A, string B), TimeSpan> Delays = new Dictionary<(string, string), TimeSpan>
    {
        [(KnownRegions.Osaka, KnownRegions.Seoul)] = TimeSpan.FromMilliseconds(15),
        [(KnownRegions.Osaka, KnownRegions.Nyc)] = TimeSpan.FromMilliseconds(85),
        [(KnownRegions.Seoul, KnownRegions.Nyc)] = TimeSpan.FromMilliseconds(80),
    };

    public static async Task<SlowLink> MeasureAsync(BenchCluster cluster, LagListener lag, int writers, TimeSpan phase)
    {
        foreach (var ((a, b), delay) in Delays)
        {
            cluster.Fault(a, b, new LinkFault { MinDelay = delay, MaxDelay = delay });
            cluster.Fault(b, a, new LinkFault { MinDelay = delay, MaxDelay = delay });
        }

        try
        {
            var load = new LoadDriver(cluster);
            var clock = Stopwatch.StartNew();
            await load.ClosedLoopAsync(writers, phase);
            await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(3));
            var throughput = load.Written / clock.Elapsed.TotalSeconds;

            lag.Start();
            await new LoadDriver(cluster).OpenLoopAsync(LagRate, phase);
            await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(1));
            return new SlowLink(Delays.ToDictionary(d => $"{d.Key.A}–{d.Key.B}", d => d.Value.TotalMilliseconds), throughput, LagRate, lag.StopByLink());
        }
        finally
        {
            cluster.HealAll();
        }
    }

    /// <summary>The one-way delay of the link between two regions.</summary>
    public static TimeSpan DelayBetween(string a, string b) =>
        Delays.TryGetValue((a, b), out var d) || Delays.TryGetValue((b, a), out d) ? d : TimeSpan.Zero;
}
