using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

/// <summary>A deployment of the default three that a test grows while cutting the newcomer off: a fixture of its own.</summary>
public sealed class SqliteJoinCutCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresJoinCutCluster() : ClusterFixture(StoreKind.Postgres);

public sealed class SqliteJoinCutTests(SqliteJoinCutCluster cluster) : JoinCutTests(cluster), IClassFixture<SqliteJoinCutCluster>;

public sealed class PostgresJoinCutTests(PostgresJoinCutCluster cluster) : JoinCutTests(cluster), IClassFixture<PostgresJoinCutCluster>;

/// <summary>
/// Issue 21, item 5, on real clusters: a newcomer whose links are all cut in the middle of its snapshot does not serve
/// while cut off, and completes its join once the links heal: it then holds everything, like the others.
/// </summary>
public abstract class JoinCutTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const string Newcomer = "berlin";

    [SkippableFact]
    public async Task Issue_21_a_newcomer_cut_off_mid_snapshot_completes_its_join_after_the_heal()
    {
        var primary = fixture.Regions.Primary;
        var ids = await Growing.ProfilesAsync(fixture, primary, "cut", 300);
        await fixture.StartJoiningAsync(Newcomer);
        var newcomer = fixture.Services(Newcomer).GetRequiredService<SiloRegion>();
        // Its snapshot is held at one entity's apply: the moment it is held, the newcomer is mid-snapshot.
        var pause = fixture.PauseAppliesOf(Newcomer, ids[^1]);
        var answer = await fixture.GrainsOf(primary).GetGrain<ISyncQueueGrain>(primary).ProposeAddRegionAsync(Newcomer, fixture.GatewaysOfNew(Newcomer));
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        await pause.Held.WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var region in fixture.Regions.All)
        {
            fixture.Cut(region, Newcomer);
        }

        fixture.ResumeApplies(Newcomer);
        pause.Release();
        // Cut off for longer than a donor may stay silent (Haunt:Sync:JoinSilence, 5 s here): it swaps donors, reaches none, and never serves.
        var cutUntil = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while (DateTime.UtcNow < cutUntil)
        {
            Assert.False(newcomer.Serving, $"{Newcomer} served while cut off in the middle of its snapshot");
            await Task.Delay(200); // pacing the check; the cut's length is the point
        }

        fixture.HealAll();
        await Growing.ServingAsync(fixture, Newcomer, $"{Newcomer} caught up and serves after the heal");
        await Growing.HoldsAllAndConvergesAsync(fixture, Newcomer, ids);
        Assert.All(fixture.Running, r => Assert.Equal(0, fixture.Store(r).ConflictCountAsync().GetAwaiter().GetResult()));
    }
}
