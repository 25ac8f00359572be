using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// A peer that is slow, not lost: every message to it takes longer than the longest resend wait, while a backlog
/// fills the sender's window with full batches. The sender may probe the peer, but must not send every batch of its
/// window again on each timeout, which is what turned load on a two-core CI machine into minutes without convergence
/// (the peer read copies of batches it already had instead of new ones).
/// </summary>
public sealed class SlowPeerTests(ITestOutputHelper output)
{
    [Fact]
    public void Regression_a_window_of_batches_to_a_peer_slower_than_the_resend_wait_is_probed_not_sent_again()
    {
        var options = SimulatedCluster.DefaultOptions();
        options.MaxBatchesInFlight = 16; // a window like the product's (64), so that resending all of it shows
        options.MaxBacklogRows = 100_000;
        using var cluster = new SimulatedCluster(5, options);
        cluster.Network.Set(KnownRegions.Osaka, KnownRegions.Seoul, LinkFault.Severed);
        cluster.Steps(1500, faults: false);

        var slow = TimeSpan.FromTicks(options.MaxBackoff.Ticks * 4);
        cluster.Network.Set(KnownRegions.Osaka, KnownRegions.Seoul, new LinkFault { MinDelay = slow, MaxDelay = slow });
        var resentBefore = cluster.MetricsOf(KnownRegions.Osaka).BatchesResent;
        var ignoredBefore = cluster.MetricsOf(KnownRegions.Seoul).ChangesIgnored;
        cluster.Steps(1500, faults: false);
        var resent = cluster.MetricsOf(KnownRegions.Osaka).BatchesResent - resentBefore;
        var ignored = cluster.MetricsOf(KnownRegions.Seoul).ChangesIgnored - ignoredBefore;
        var result = cluster.Finish(periodicRounds: false);
        output.WriteLine($"while osaka→seoul took {slow.TotalSeconds:0.#} s: osaka resent {resent} batches, seoul skipped {ignored} changes it had");

        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.True(resent > 0, "the slow peer was probed");
        // The schedule is seeded, so the figures repeat: 68 resent with probes, 115 when every overdue batch is resent.
        Assert.True(resent < 90, $"osaka resent {resent} batches to a peer that had lost none since the heal");
    }
}
