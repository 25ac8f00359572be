using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteStatusReadTests(SqliteCluster cluster) : StatusReadTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStatusReadTests(PostgresCluster cluster) : StatusReadTests(cluster);

/// <summary>
/// Issue 19 (layout: operator reads off the replication actor): status and digest reads are answered while the
/// region's sync loop is stuck inside a turn, so no number of readers can queue up behind replication.
/// </summary>
public abstract class StatusReadTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task Status_and_digest_are_read_while_the_sync_loop_is_busy_applying_a_batch()
    {
        var id = Guid.CreateVersion7().ToString("N");
        var pause = fixture.PauseAppliesOf(KnownRegions.Osaka, id);
        try
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "held", null, 1));
            await pause.Held.WaitAsync(Eventually.DefaultTimeout);

            // The control: the sync loop itself does not answer while its turn is held.
            var fromLoop = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<ISyncQueueGrain>(KnownRegions.Osaka).GetStatusAsync();
            var status = await fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).GetStatusAsync().WaitAsync(s_prompt);
            var digest = await fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).GetDigestAsync().WaitAsync(s_prompt);

            Assert.False(fromLoop.IsCompleted);
            Assert.Equal(KnownRegions.Osaka, status.Region);
            Assert.Equal(KnownRegions.PeersOf(KnownRegions.Osaka).Order(), status.Peers.Select(p => p.Peer).Order());
            Assert.Equal((await fixture.Store(KnownRegions.Osaka).DigestAsync()).Overall, digest.Overall);
            pause.Release();
            Assert.Equal(KnownRegions.Osaka, (await fromLoop.WaitAsync(Eventually.DefaultTimeout)).Region);
        }
        finally
        {
            pause.Release();
            fixture.ResumeApplies(KnownRegions.Osaka);
        }

        await fixture.ReplicatedAsync(EntityType.Profile, id, KnownRegions.Seoul);
    }
}
