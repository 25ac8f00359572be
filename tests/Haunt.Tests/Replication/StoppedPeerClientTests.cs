using Haunt.Grains.Door;
using Haunt.Grains.Peers;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Replication;

/// <summary>
/// A peer client that stops must stop probing. A call that failed as (or after) the client stopped found the peer
/// unreachable; its probe loop ended at once because the client was stopping, saw the peer still unreachable and started
/// itself again, forever: every silo stopped in a process that lives on (the bench, the test hosts) left a task spinning a
/// core. The store plays no part: SQLite only.
/// </summary>
[Collection(SqliteClusterCollection.Name)]
public sealed class StoppedPeerClientTests(SqliteCluster fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Regression_a_call_that_fails_after_the_client_stopped_starts_one_probe_loop_that_ends()
    {
        var seoul = fixture.Services(KnownRegions.Seoul);
        var options = seoul.GetRequiredService<IOptions<PeerOptions>>().Value;
        var client = new PeerClient(KnownRegions.Osaka, options.GatewaysOf(KnownRegions.Osaka)!, seoul.GetRequiredService<RegionDoor>(), options, TimeProvider.System,
            NullLogger.Instance);
        client.Start();
        await Eventually.WaitUntilAsync(() => Task.FromResult(client.Reachability.Reachable), "seoul's extra client reaches osaka");

        await client.DisposeAsync();
        // A call still under way as the silo stops, failing now: osaka is marked unreachable, and a probe loop starts.
        await Assert.ThrowsAsync<RegionUnavailableException>(() => client.CallAsync<int>((_, _) => throw new TimeoutException("cut as the silo stopped")));

        Assert.False(client.Reachability.Reachable);
        var started = client.ProbeLoops;
        // Nothing to wait for when it works: watch a while that the loop does not start itself again (it did, thousands of
        // times in this second, spinning a core).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, started);
        Assert.Equal(1, client.ProbeLoops);
    }
}
