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

    /// <summary>A pair of regions no --delay names: about a continent apart.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The default regions' one-way delays (osaka–seoul 15 ms, osaka–nyc 85 ms, seoul–nyc 80 ms), as "a,b=ms".</summary>
    public static readonly string[] DefaultDelays = ["osaka,seoul=15", "osaka,nyc=85", "seoul,nyc=80"];

    /// <summary>
    /// The one-way delay of every link between two of <paramref name="regions"/>: as <paramref name="given"/> ("a,b=ms",
    /// either order), else <see cref="DefaultDelay"/>; a pair naming another region is ignored.
    /// </summary>
    public static IReadOnlyDictionary<(string A, string B), TimeSpan> DelaysFor(IReadOnlyList<string> regions, IEnumerable<string> given)
    {
        var named = new Dictionary<(string, string), TimeSpan>();
        foreach (var item in given)
        {
            var (pair, ms) = (item.Split('=')[0].Split(',', StringSplitOptions.TrimEntries), double.Parse(item.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
            named[(pair[0], pair[1])] = named[(pair[1], pair[0])] = TimeSpan.FromMilliseconds(ms);
        }

        return regions.SelectMany((a, i) => regions.Skip(i + 1).Select(b => (a, b)))
            .ToDictionary(p => p, p => named.GetValueOrDefault(p, DefaultDelay));
    }

    /// <summary>Whether <paramref name="item"/> reads "a,b=ms" with a non-negative number of milliseconds.</summary>
    public static bool IsDelay(string item) =>
        item.Split('=') is [var pair, var ms] && pair.Split(',').Length == 2
        && double.TryParse(ms, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0;

    public static async Task<SlowLink> MeasureAsync(BenchCluster cluster, LagListener lag, int writers, TimeSpan phase,
        IReadOnlyDictionary<(string A, string B), TimeSpan> delays)
    {
        foreach (var ((a, b), delay) in delays)
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
            return new SlowLink(delays.ToDictionary(d => $"{d.Key.A}–{d.Key.B}", d => d.Value.TotalMilliseconds), throughput, LagRate, lag.StopByLink());
        }
        finally
        {
            cluster.HealAll();
        }
    }
}
