using Haunt.Grains.Peers;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteTwoSiloCollection.Name)]
public sealed class SqliteHealedPeerTests(SqliteTwoSiloCluster cluster) : HealedPeerTests(cluster);

[Collection(PostgresTwoSiloCollection.Name)]
public sealed class PostgresHealedPeerTests(PostgresTwoSiloCluster cluster) : HealedPeerTests(cluster);

/// <summary>
/// Issue 19, item 1: a silo that does not run the sync loop only learns that a peer answers again from its own
/// calls. Once one of them timed out, it must still find the peer back, not refuse every forwarded write.
/// </summary>
public abstract class HealedPeerTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Regression_issue_19_a_peer_that_stopped_answering_takes_forwarded_writes_again_on_the_silo_without_the_sync_loop()
    {
        var (id, silo) = await SeoulPortfolioActiveAwayFromSyncLoopAsync();
        var forwarding = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id);
        ActingUser.Set("alice"); // the deposits are alice's, as the API would forward them
        var seoulClient = silo.GetRequiredService<PeerClients>()[KnownRegions.Seoul];

        // seoul stops answering: its commit of the forwarded deposit is held past osaka's call timeout.
        var pause = fixture.PauseCommitsOf(KnownRegions.Seoul, id);
        try
        {
            // Sent and not answered in time (outcome unknown): that marks seoul unreachable on this silo. The background
            // probe may find it back a reconnect delay later, before any check here could run, so the mark is shown by
            // the kind of refusal, not by reading the reachability it may already have cleared.
            var unanswered = await Assert.ThrowsAsync<RegionUnavailableException>(() => forwarding.DepositAsync(10m));
            Assert.Contains("did not answer", unanswered.Message, StringComparison.Ordinal);
        }
        finally
        {
            pause.Release();
            fixture.ResumeCommits(KnownRegions.Seoul);
        }

        // Healed: the next forwarded write through that silo goes through (within the reconnect delay).
        Portfolio? deposited = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            try
            {
                deposited = await forwarding.DepositAsync(5m);
                return true;
            }
            catch (RegionUnavailableException)
            {
                return false;
            }
        }, "a forwarded deposit through the silo without the sync loop succeeds", TimeSpan.FromSeconds(10));

        Assert.True(seoulClient.Reachability.Reachable);
        // The timed-out deposit had landed at home (its outcome was unknown, not "not made"): both count once.
        Assert.Equal(1_015m, deposited!.Cash);
        Assert.Equal(1_015m, (await fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, id).GetAsync())!.Cash);
    }

    /// <summary>A portfolio homed in seoul whose osaka grain is active on the osaka silo without the sync loop.</summary>
    private async Task<(string Id, IServiceProvider Silo)> SeoulPortfolioActiveAwayFromSyncLoopAsync()
    {
        var ids = Enumerable.Range(0, 24).Select(_ => Guid.CreateVersion7().ToString("N")).ToList();
        foreach (var id in ids)
        {
            await fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, id).CreateAsync("alice", 1_000m);
        }

        var management = fixture.GrainsOf(KnownRegions.Osaka).GetGrain<IManagementGrain>(0);
        var sync = await management.GetActivationAddress(fixture.GrainsOf(KnownRegions.Osaka).GetGrain<ISyncQueueGrain>(KnownRegions.Osaka));
        foreach (var id in ids)
        {
            await fixture.ReplicatedAsync(EntityType.Portfolio, id, KnownRegions.Seoul);
            var grain = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id);
            await grain.GetAsync();
            var silo = await management.GetActivationAddress(grain);
            if (silo is not null && !silo.Equals(sync))
            {
                return (id, fixture.SilosOfRegion(KnownRegions.Osaka).Single(s => s.Address.Equals(silo)).Services);
            }
        }

        throw new InvalidOperationException("No portfolio grain was placed on the silo without the sync loop (1 in 16 million).");
    }
}
