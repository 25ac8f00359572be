using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteLostRefreshTests(SqliteCluster cluster) : LostRefreshTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresLostRefreshTests(PostgresCluster cluster) : LostRefreshTests(cluster);

/// <summary>
/// Issue 11, item 3: a grain's own write must not overwrite a newer state that a replicated change installed
/// (through the interleaving RefreshAsync) while the write awaited its commit.
/// </summary>
public abstract class LostRefreshTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Regression_a_refresh_that_arrives_while_a_write_commits_is_kept()
    {
        var id = Guid.CreateVersion7().ToString("N");
        var osaka = fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id);
        await osaka.PutAsync(new Profile(id, "first", null, 1));
        await fixture.ReplicatedAsync(EntityType.Profile, id);

        var pause = fixture.PauseCommitsOf(KnownRegions.Osaka, id);
        try
        {
            var write = osaka.PutAsync(new Profile(id, "osaka's second", null, 2));
            await pause.Held.WaitAsync(Eventually.DefaultTimeout);

            // While osaka's write sits between its commit and its return, seoul writes the same profile; the
            // change is applied in osaka and pushed into the active grain. Seoul's outbox row is acked only
            // after that push, so an ack means the refresh has run.
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "seoul's write", null, 3));
            await Eventually.WaitUntilAsync(async () =>
                !(await fixture.Store(KnownRegions.Seoul).QueueAsync(KnownRegions.Osaka, 0, 100_000)).Any(r => r.Item.State.Id == id),
                "osaka applied seoul's write and acked it");

            pause.Release();
            await write;
        }
        finally
        {
            pause.Release();
            fixture.ResumeCommits(KnownRegions.Osaka);
        }

        var stored = await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Profile, id);
        Assert.Equal(1, stored!.Vector.Get(KnownRegions.Seoul));
        Assert.Equal(stored, await osaka.GetStateAsync());
        Assert.Equal(StateJson.Deserialize<Profile>(stored.Payload), await osaka.GetAsync());
    }
}
