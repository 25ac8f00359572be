using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteChangeFeedGrainTests(SqliteCluster cluster) : ChangeFeedGrainTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresChangeFeedGrainTests(PostgresCluster cluster) : ChangeFeedGrainTests(cluster);

/// <summary>The change feed as a grain's streamed answer (IChangeFeedGrain), for consumers next to the silos.</summary>
public abstract class ChangeFeedGrainTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task The_feed_streams_what_the_store_holds_and_following_it_brings_the_next_change()
    {
        var id = Guid.CreateVersion7().ToString("N");
        await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "first", null, 1));
        await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).PutAsync(new Profile(id, "second", null, 2));
        var feed = fixture.GrainsOf(KnownRegions.Seoul).GetGrain<IChangeFeedGrain>(KnownRegions.Seoul);

        var streamed = new List<ChangeFeedEntry>();
        await foreach (var entry in feed.ReadAsync(0, [EntityType.Profile]))
        {
            streamed.Add(entry);
        }

        // Up to the last change streamed: replication from earlier tests may still be landing.
        var stored = (await fixture.Store(KnownRegions.Seoul).ChangesAsync(new FeedQuery(0, int.MaxValue, [EntityType.Profile]))).Changes.Where(c => c.Seq <= streamed[^1].Seq);
        Assert.Equal(stored.Select(c => (c.Seq, c.State)), streamed.Select(e => (e.Seq, e.State)));
        Assert.Equal(["first", "second"], streamed.Where(e => e.State.Id == id).Select(e => StateJson.Deserialize<Profile>(e.State.Payload).DisplayName));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var next = Guid.CreateVersion7().ToString("N");
        var following = Task.Run(async () =>
        {
            await foreach (var entry in feed.ReadAsync(streamed[^1].Seq, follow: true, cancellationToken: stop.Token))
            {
                if (entry.State.Id == next)
                {
                    return entry;
                }
            }

            return null;
        });
        await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, next).PutAsync(new Profile(next, "from osaka", null, 3));

        var arrived = await following;
        Assert.NotNull(arrived);
        Assert.Equal(KnownRegions.Osaka, arrived.Origin); // written in osaka, applied in seoul, streamed from seoul's feed
        await stop.CancelAsync();
    }
}
