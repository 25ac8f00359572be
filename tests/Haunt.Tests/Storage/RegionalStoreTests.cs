using Haunt.Grains.Sync;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

public sealed class SqliteStoreTests() : RegionalStoreTests(StoreKind.Sqlite);

public sealed class PostgresStoreTests() : RegionalStoreTests(StoreKind.Postgres);

/// <summary>The store's contract, run against each engine.</summary>
public abstract class RegionalStoreTests(StoreKind kind) : StoreTestsBase(kind)
{
    private static EntityState State(EntityType type, string id, VersionVector vector, string region = KnownRegions.Osaka, bool deleted = false) =>
        new(type, id, region, vector, new HybridTimestamp(1_700_000_000_000 + vector.Sum, 0), region, deleted, null, $"{{\"id\":\"{id}\"}}");

    private static LocalWrite Insert(EntityType type, string id) => new(State(type, id, new VersionVector(1, 0, 0)), SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task Outbox_hands_out_rows_in_priority_then_sequence_order()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        // Written low priority first; orders (priority 0) must still leave first.
        await store.CommitLocalAsync([Insert(EntityType.PredictionHistory, "ph-1")]);
        await store.CommitLocalAsync([Insert(EntityType.Profile, "pr-1")]);
        await store.CommitLocalAsync([Insert(EntityType.Order, "o-1")]);
        await store.CommitLocalAsync([Insert(EntityType.Profile, "pr-2")]);
        await store.CommitLocalAsync([Insert(EntityType.Order, "o-2")]);

        var rows = await store.PendingForPeerAsync(KnownRegions.Seoul, 100);

        Assert.Equal(["o-1", "o-2", "pr-1", "pr-2", "ph-1"], rows.Select(r => r.Item.State.Id));
        Assert.Equal(rows.Select(r => r.Item.Priority).Order(), rows.Select(r => r.Item.Priority));
        Assert.Empty(await store.PendingForPeerAsync(KnownRegions.Osaka, 100)); // never queued for itself
    }

    [SkippableFact]
    public async Task Entity_row_and_outbox_row_commit_together_or_not_at_all()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.CommitLocalAsync([Insert(EntityType.Profile, "a")]);

        // The second write claims to build on version 0 but "a" is at version 1: nothing of the pair lands.
        var result = await store.CommitLocalAsync([Insert(EntityType.Profile, "b"), Insert(EntityType.Profile, "a")]);

        Assert.Equal(CommitStatus.VersionMismatch, result.Status);
        Assert.Equal(1, result.Current!.Version);
        Assert.Null(await store.ReadAsync(EntityType.Profile, "b"));
        Assert.Single(await store.PendingForPeerAsync(KnownRegions.Seoul, 100));
    }

    [SkippableFact]
    public async Task Acked_rows_leave_the_outbox_once_every_peer_has_them()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.CommitLocalAsync([Insert(EntityType.Trade, "t-1")]);
        var seq = (await store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Single().Seq;

        await store.AckAsync(KnownRegions.Seoul, [seq]);
        Assert.Empty(await store.PendingForPeerAsync(KnownRegions.Seoul, 10));
        Assert.Equal(1, (await store.BacklogAsync(KnownRegions.Nyc)).Rows);

        await store.AckAsync(KnownRegions.Nyc, [seq]);
        Assert.Equal(0, (await store.BacklogAsync(KnownRegions.Nyc)).Rows);
    }

    [SkippableFact]
    public async Task Applying_the_same_change_twice_stores_it_once()
    {
        await using var temp = await OpenAsync(KnownRegions.Seoul);
        var store = temp.Store;
        var item = new ChangeItem(7, SyncOperation.Insert, State(EntityType.Profile, "p", new VersionVector(1, 0, 0)), 0);

        var first = await store.ApplyRemoteAsync(KnownRegions.Osaka, [item], ConflictResolver.Instance);
        var second = await store.ApplyRemoteAsync(KnownRegions.Osaka, [item], ConflictResolver.Instance);

        Assert.Single(first.Stored);
        Assert.Empty(second.Stored);
        Assert.Equal(1, second.Ignored);
        Assert.Equal(item.State, await store.ReadAsync(EntityType.Profile, "p"));
        Assert.Empty(await store.PendingForPeerAsync(KnownRegions.Nyc, 10)); // applied changes are not re-broadcast
    }

    [SkippableFact]
    public async Task Schema_scripts_apply_once_so_reopening_keeps_data()
    {
        await using var temp = await OpenAsync(KnownRegions.Nyc);
        await temp.Store.CommitLocalAsync([Insert(EntityType.Profile, "kept")]);

        await temp.ReopenAsync();

        Assert.NotNull(await temp.Store.ReadAsync(EntityType.Profile, "kept"));
        Assert.Single(await temp.Store.PendingForPeerAsync(KnownRegions.Osaka, 10));
    }
}
