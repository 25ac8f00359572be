using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

/// <summary>A deployment of the default three that a test grows while killing the newcomer: a fixture of its own.</summary>
public sealed class SqliteJoinKillCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresJoinKillCluster() : ClusterFixture(StoreKind.Postgres);

public sealed class SqliteJoinKillTests(SqliteJoinKillCluster cluster) : JoinKillTests(cluster), IClassFixture<SqliteJoinKillCluster>;

public sealed class PostgresJoinKillTests(PostgresJoinKillCluster cluster) : JoinKillTests(cluster), IClassFixture<PostgresJoinKillCluster>;

/// <summary>
/// Issue 21, item 5, on real clusters: a newcomer whose silo is killed in the middle of its snapshot and started again
/// carries on joining from its stored membership (admitted, not caught up) and completes, holding everything.
/// </summary>
public abstract class JoinKillTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const string Newcomer = "warsaw";

    [SkippableFact]
    public async Task Issue_21_a_newcomer_killed_mid_snapshot_and_restarted_completes_its_join()
    {
        var primary = fixture.Regions.Primary;
        var ids = await Growing.ProfilesAsync(fixture, primary, "kill", 300);
        await fixture.StartJoiningAsync(Newcomer);
        var pause = fixture.PauseAppliesOf(Newcomer, ids[^1]);
        var answer = await fixture.GrainsOf(primary).GetGrain<ISyncQueueGrain>(primary).ProposeAddRegionAsync(Newcomer, fixture.GatewaysOfNew(Newcomer));
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        await pause.Held.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(fixture.Services(Newcomer).GetRequiredService<SiloRegion>().Serving);

        // Killed with its sync loop stuck in the snapshot's apply: what it stored so far, and that it was admitted, stay.
        await fixture.KillAsync(Newcomer);
        pause.Release();
        await fixture.RestartAsync(Newcomer);
        await Growing.ServingAsync(fixture, Newcomer, $"the restarted {Newcomer} caught up and serves");
        await Growing.HoldsAllAndConvergesAsync(fixture, Newcomer, ids);
    }
}
