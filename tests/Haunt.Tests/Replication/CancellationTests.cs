using Haunt.Grains.Peers;
using Haunt.Grains.Replication;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteCancellationTests(SqliteCluster cluster) : CancellationTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresCancellationTests(PostgresCluster cluster) : CancellationTests(cluster);

/// <summary>
/// Issue 19, item 10: a read's cancellation travels with it through grain calls down to the store, in the region
/// and over the peer link, so a scan nobody waits for any more (an HTTP client gone, a peer call timed out) stops
/// instead of running on beside the ones that replaced it.
/// </summary>
public abstract class CancellationTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task A_digest_read_whose_caller_gives_up_stops_at_the_store()
    {
        var hold = fixture.HoldDigestsOf(KnownRegions.Osaka);
        try
        {
            using var giveUp = new CancellationTokenSource();
            var read = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).GetDigestAsync(giveUp.Token);
            await hold.Entered.WaitAsync(Eventually.DefaultTimeout);

            await giveUp.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Eventually.DefaultTimeout));
            await Eventually.WaitUntilAsync(() => Task.FromResult(hold.Cancelled == 1), "osaka's held digest scan saw its caller's cancellation");
        }
        finally
        {
            fixture.ReleaseDigests(KnownRegions.Osaka);
        }
    }

    [SkippableFact]
    public async Task A_digest_read_over_the_peer_link_that_times_out_stops_at_the_peer()
    {
        var peers = fixture.Services(KnownRegions.Seoul).GetRequiredService<PeerClients>();
        var hold = fixture.HoldDigestsOf(KnownRegions.Osaka);
        try
        {
            // Until the read reaches osaka's store: a call made while seoul holds osaka unreachable (an earlier peer call
            // of a loaded machine timed out) fails fast without leaving seoul.
            var reach = fixture.Services(KnownRegions.Seoul).GetRequiredService<RegionReach>();
            await Eventually.WaitUntilAsync(async () =>
            {
                await Eventually.WaitUntilAsync(() => Task.FromResult(peers[KnownRegions.Osaka].Reachability.Reachable), "seoul reaches osaka");
                var answer = await reach.TryCallAsync(KnownRegions.Osaka, (grains, ct) => grains.GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).GetDigestAsync(ct));
                Assert.Null(answer); // seoul gave up after its peer call timeout: the held scan cannot answer
                return hold.Entered.IsCompleted;
            }, "seoul's digest read reached osaka's store");

            await Eventually.WaitUntilAsync(() => Task.FromResult(hold.Cancelled == 1), "osaka's digest scan stopped when seoul's call timed out");
        }
        finally
        {
            fixture.ReleaseDigests(KnownRegions.Osaka);
        }

        // The timeout marked osaka unreachable from seoul: the background probe finds it again.
        await Eventually.WaitUntilAsync(() => Task.FromResult(peers[KnownRegions.Osaka].Reachability.Reachable), "seoul reaches osaka again");
    }
}
