using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// A peer that is slow, not lost: every message to it takes longer than the longest resend wait. The sender may
/// probe it, but must not send each batch in its window again and again, which is what turned load on a two-core CI
/// machine into minutes without convergence (the peer read copies of batches it already had instead of new ones).
/// </summary>
public sealed class SlowPeerTests(ITestOutputHelper output)
{
    [Fact]
    public void Regression_batches_to_a_peer_slower_than_the_resend_wait_are_probed_not_flooded()
    {
        var options = SimulatedCluster.DefaultOptions();
        options.MaxBatchesInFlight = 16; // a window as the product's (64), so that resending all of it shows
        using var cluster = new SimulatedCluster(5, options);
        var slow = TimeSpan.FromTicks(options.MaxBackoff.Ticks * 4);
        cluster.Network.Set(KnownRegions.Osaka, KnownRegions.Seoul, new LinkFault { MinDelay = slow, MaxDelay = slow });
        cluster.Steps(3000, faults: false);
        var result = cluster.Finish(periodicRounds: false);
        var (batches, copies) = cluster.Network.BatchesSent(KnownRegions.Osaka, KnownRegions.Seoul);
        var (fastBatches, fastCopies) = cluster.Network.BatchesSent(KnownRegions.Osaka, KnownRegions.Nyc);
        output.WriteLine($"osaka→seoul ({slow.TotalSeconds:0.#} s each way): {batches} batches in {copies} copies; osaka→nyc: {fastBatches} in {fastCopies}");

        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.True(batches > 20, $"only {batches} batches went to seoul");
        // One probe out at a time, waiting at least the measured round trip: not a copy of every batch in flight
        // (resending every overdue batch sent 918 copies of 212 batches here).
        Assert.True(copies < batches * 1.5, $"{copies} copies of {batches} batches were sent to the slow peer");
    }
}
