using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

public sealed class SqliteStoreWriterTests() : StoreWriterTests(StoreKind.Sqlite);

public sealed class PostgresStoreWriterTests() : StoreWriterTests(StoreKind.Postgres);

/// <summary>A silo's store writer keeps committing whatever its subscribers and callers do.</summary>
public abstract class StoreWriterTests(StoreKind kind) : StoreTestsBase(kind)
{
    // Only there to fail instead of hanging: CI runs this beside cluster tests on two cores, where 500 PostgreSQL
    // commits once took over 10 s (CI9). What is claimed is that every write commits, not how fast.
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    private static LocalWrite Insert(string id) => new(
        new EntityState(EntityType.Profile, id, KnownRegions.Osaka, V(1, 0, 0), new HybridTimestamp(1_700_000_000_001, 0),
            KnownRegions.Osaka, false, null, $"{{\"id\":\"{id}\",\"displayName\":\"x\",\"riskTolerance\":1}}"),
        SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task Regression_a_throwing_commit_subscriber_does_not_stop_the_writer()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        var calls = 0;
        store.OutboxAppended += () =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("subscriber bug");
        };

        // Before the fix the exception escaped the writer loop: this commit and every later one waited forever.
        var first = await store.CommitLocalAsync([Insert("a")]).WaitAsync(s_deadline);
        var second = await store.CommitLocalAsync([Insert("b")]).WaitAsync(s_deadline);

        Assert.Equal(CommitStatus.Committed, first.Status);
        Assert.Equal(CommitStatus.Committed, second.Status);
        Assert.NotNull(await store.ReadAsync(EntityType.Profile, "b"));
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [SkippableFact]
    public async Task Commits_queued_together_where_some_find_another_version_fail_alone_and_leave_nothing_behind()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.CommitLocalAsync([Insert("taken")]);

        // A tenth insert an id already stored: they share transactions (on PostgreSQL, one round trip) with the others.
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => store.CommitLocalAsync([Insert(i % 10 == 0 ? "taken" : $"p{i}")]))))
            .WaitAsync(s_deadline);

        Assert.Equal(40, results.Count(r => r.Status == CommitStatus.VersionMismatch));
        Assert.Equal(360, results.Count(r => r.Status == CommitStatus.Committed));
        // Nothing of a refused commit stayed: one outbox row and one feed row per committed write.
        Assert.Equal(361, (await store.PendingForPeerAsync(KnownRegions.Seoul, 1000)).Count);
        var feed = await store.ChangesAsync(new FeedQuery(0, 1000));
        Assert.Equal(361, feed.Changes.Count);
        Assert.Equal(361, feed.Changes.Select(c => c.State.Id).Distinct().Count());
    }

    [SkippableFact]
    public async Task Commits_queued_together_where_some_fail_in_the_database_fail_alone_and_leave_nothing_behind()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;

        // A tenth break a NOT NULL constraint (no payload): the engine refuses the statement, in the middle of the others' round trip.
        var commits = Enumerable.Range(0, 400)
            .Select(i => Task.Run(() => store.CommitLocalAsync([i % 10 == 0 ? WithoutPayload($"bad{i}") : Insert($"p{i}")]))).ToList();
        await Task.WhenAll(commits).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(s_deadline);

        Assert.Equal(40, commits.Count(c => c.IsFaulted));
        Assert.All(commits.Where(c => c.IsFaulted), c => Assert.IsAssignableFrom<System.Data.Common.DbException>(c.Exception!.GetBaseException()));
        Assert.All(commits.Where(c => !c.IsFaulted), c => Assert.Equal(CommitStatus.Committed, c.Result.Status));
        Assert.Equal(360, (await store.PendingForPeerAsync(KnownRegions.Seoul, 1000)).Count);
        var feed = await store.ChangesAsync(new FeedQuery(0, 1000));
        Assert.Equal(360, feed.Changes.Count);
        Assert.DoesNotContain(feed.Changes, c => c.State.Id.StartsWith("bad", StringComparison.Ordinal));
    }

    private static LocalWrite WithoutPayload(string id)
    {
        var write = Insert(id);
        return write with { State = write.State with { Payload = null! } };
    }

    [SkippableFact]
    public async Task Writes_queued_from_many_callers_all_commit_and_closing_refuses_new_ones()
    {
        var temp = await OpenAsync();
        var store = temp.Store;

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => store.CommitLocalAsync([Insert($"p{i}")])))).WaitAsync(s_deadline);

        Assert.All(results, r => Assert.Equal(CommitStatus.Committed, r.Status));
        Assert.Equal(500, (await store.PendingForPeerAsync(KnownRegions.Seoul, 1000)).Count);
        await temp.DisposeAsync();
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.CommitLocalAsync([Insert("late")]));
    }
}
