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
