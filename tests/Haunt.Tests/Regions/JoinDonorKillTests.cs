using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

/// <summary>A deployment of the default three that a test grows while killing the donor: a fixture of its own.</summary>
public sealed class SqliteJoinDonorKillCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresJoinDonorKillCluster() : ClusterFixture(StoreKind.Postgres);

public sealed class SqliteJoinDonorKillTests(SqliteJoinDonorKillCluster cluster) : JoinDonorKillTests(cluster), IClassFixture<SqliteJoinDonorKillCluster>;

public sealed class PostgresJoinDonorKillTests(PostgresJoinDonorKillCluster cluster) : JoinDonorKillTests(cluster), IClassFixture<PostgresJoinDonorKillCluster>;

/// <summary>
/// Issue 21, item 5, on real clusters: the donor's silo is killed in the middle of the newcomer's snapshot (part of it
/// shipped). The newcomer gives the silent donor up, takes the rest of its snapshot from the next region, repairs against
/// every region that answers, and serves only once it also had a round with the restarted donor.
/// </summary>
public abstract class JoinDonorKillTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const string Newcomer = "madrid";

    /// <summary>What the donor ships before it is killed: one repair response of states.</summary>
    private const int Shipped = Reconciler.MaxStatesPerResponse;

    [SkippableFact]
    public async Task Issue_21_a_donor_killed_mid_snapshot_is_replaced_and_the_newcomer_completes_its_join()
    {
        var primary = fixture.Regions.Primary;
        var profiles = await Growing.ProfilesAsync(fixture, primary, "donor", Shipped + 500);
        await Growing.HoldsAllAndConvergesAsync(fixture, primary, profiles); // every region holds what the primary holds
        await fixture.StartJoiningAsync(Newcomer);
        var newcomer = fixture.Services(Newcomer).GetRequiredService<SiloRegion>();

        // Whichever region is the donor (the first the newcomer hears the agreed membership from, or the next if that
        // one's answers are lost) reads the states it ships 500 at a time and sends them 1,000 at a time: its third read
        // is held, so the snapshot is two thirds done.
        var pauses = fixture.Regions.All.ToDictionary(r => r, r => fixture.PauseStateReadsOf(r, EntityType.Profile, passing: 2));
        var answer = await fixture.GrainsOf(primary).GetGrain<ISyncQueueGrain>(primary).ProposeAddRegionAsync(Newcomer, fixture.GatewaysOfNew(Newcomer));
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        await Eventually.WaitUntilAsync(async () => (await fixture.Store(Newcomer).DigestAsync()).Entities >= Shipped,
            $"{Newcomer} took the part of the snapshot its donor shipped", TimeSpan.FromSeconds(60));
        var grain = fixture.GrainsOf(Newcomer).GetGrain<ISyncQueueGrain>(Newcomer);
        var donor = (await grain.GetMembershipAsync()).Join?.Donor;
        Assert.True(donor is not null && pauses[donor].Held.IsCompleted, $"the donor {donor} is not the region held mid-snapshot");
        Assert.Equal(Shipped, (await fixture.Store(Newcomer).DigestAsync()).Entities);

        await fixture.KillAsync(donor);
        pauses[donor].Release();
        foreach (var region in pauses.Keys.Where(r => r != donor))
        {
            fixture.ResumeStateReads(region);
            pauses[region].Release();
        }

        // The rest comes from another region; the dead donor is the only region it still has to repair against.
        await Eventually.WaitUntilAsync(async () => (await grain.GetMembershipAsync()).Join is { Phase: "repair", PeersLeft: [var left] } && left == donor,
            $"{Newcomer} took its snapshot from another region and repaired against every region but the dead donor", TimeSpan.FromSeconds(120));
        Assert.NotEqual(donor, (await grain.GetMembershipAsync()).Join!.Donor);
        Assert.False(newcomer.Serving, $"{Newcomer} served before a round with every region");
        Assert.Equal(profiles.Count, (await fixture.Store(Newcomer).DigestAsync()).Entities);

        await fixture.RestartAsync(donor);
        await Growing.ServingAsync(fixture, Newcomer, $"{Newcomer} caught up and serves once the donor is back");
        await Growing.HoldsAllAndConvergesAsync(fixture, Newcomer, profiles);

        Assert.All(fixture.Running, r => Assert.Equal(0, fixture.Store(r).ConflictCountAsync().GetAwaiter().GetResult()));
    }
}
