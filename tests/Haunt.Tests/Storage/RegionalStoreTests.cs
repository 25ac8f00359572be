using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

public sealed class SqliteStoreTests() : RegionalStoreTests(StoreKind.Sqlite);

public sealed class PostgresStoreTests() : RegionalStoreTests(StoreKind.Postgres);

/// <summary>
/// What only a SQL store has, run against each engine: a file or schema that outlives the process. The behaviour
/// every store shares, the in-memory one included, is in <see cref="RegionalStoreContract"/>.
/// </summary>
public abstract class RegionalStoreTests(StoreKind kind) : StoreTestsBase(kind)
{
    private static EntityState State(EntityType type, string id, VersionVector vector, string region = KnownRegions.Osaka, bool deleted = false) =>
        new(type, id, region, vector, new HybridTimestamp(1_700_000_000_000 + vector.Sum, 0), region, deleted, null, $"{{\"id\":\"{id}\"}}");

    private static LocalWrite Insert(EntityType type, string id) => new(State(type, id, V(1, 0, 0)), SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task Schema_scripts_apply_once_so_reopening_keeps_data()
    {
        await using var temp = await OpenAsync(KnownRegions.Nyc);
        await temp.Store.CommitLocalAsync([Insert(EntityType.Profile, "kept")]);

        await temp.ReopenAsync();

        Assert.NotNull(await temp.Store.ReadAsync(EntityType.Profile, "kept"));
        Assert.Single(await temp.Store.PendingForPeerAsync(KnownRegions.Osaka, 10));
    }

    [SkippableFact]
    public async Task Issue_20_rows_written_before_stamp_hashes_get_them_when_the_store_opens_and_digest_as_rows_written_now()
    {
        await using var temp = await TempStore.AsOfAsync(Kind, "006_membership.sql");
        await using var fresh = await OpenAsync(KnownRegions.Osaka);
        var states = Enumerable.Range(0, 1_500).Select(i => State(EntityType.Profile, $"p-{i:D4}", V(1, 0, i % 3), deleted: i % 10 == 0)).ToList();
        await temp.ExecuteAsync("INSERT INTO profiles (id, portfolio_id, home_region, version, version_vector, last_modified_at, last_modified_by, deleted, payload) VALUES " +
            string.Join(", ", states.Select(s => $"('{s.Id}', NULL, 'osaka', {s.Vector.Sum}, '{s.Vector}', {s.ModifiedAt.Packed}, 'osaka', {(s.Deleted ? 1 : 0)}, '{s.Payload}')")));

        await fresh.Store.CommitLocalAsync([.. states.Select(s => new LocalWrite(s, SyncOperation.Insert, 0))]);
        await temp.Store.InitializeAsync(); // 007 adds the columns empty; the backfill fills them (more than one chunk)

        Assert.Equal((await fresh.Store.DigestAsync()).Overall, (await temp.Store.DigestAsync()).Overall);
        Assert.Equal((await fresh.Store.BucketSumsAsync(EntityType.Profile, 64)).OrderBy(b => b.Key), (await temp.Store.BucketSumsAsync(EntityType.Profile, 64)).OrderBy(b => b.Key));
        Assert.Equal(1_350, (await temp.Store.DigestAsync()).Entities);
    }

    [SkippableFact]
    public async Task Issue_20_a_row_edited_by_hand_behind_its_stamp_hash_digests_as_edited_once_the_store_opens_again()
    {
        await using var edited = await OpenAsync(KnownRegions.Osaka);
        await using var before = await OpenAsync(KnownRegions.Osaka);
        await using var after = await OpenAsync(KnownRegions.Osaka);
        await edited.Store.CommitLocalAsync([new(State(EntityType.Profile, "p", V(3, 0, 1)), SyncOperation.Insert, 0)]);
        await before.Store.CommitLocalAsync([new(State(EntityType.Profile, "p", V(3, 0, 1)), SyncOperation.Insert, 0)]);
        await after.Store.CommitLocalAsync([new(State(EntityType.Profile, "p", V(1, 0, 0)), SyncOperation.Insert, 0)]);

        await edited.ExecuteAsync($"UPDATE profiles SET version_vector = '{V(1, 0, 0)}' WHERE id = 'p'");
        Assert.Equal((await before.Store.DigestAsync()).Overall, (await edited.Store.DigestAsync()).Overall); // digests trust the hash

        await edited.ReopenAsync();

        Assert.Equal((await after.Store.DigestAsync()).Overall, (await edited.Store.DigestAsync()).Overall);
    }

    [SkippableFact]
    public async Task Issue_21_a_store_made_before_the_outbox_was_kept_per_peer_opens_with_every_pending_row_and_keeps_replicating()
    {
        await using var temp = await TempStore.AsOfAsync(Kind, "004_portfolio_owner.sql");
        // As that release wrote them: two profiles with "osaka.seoul.nyc" vectors, and their outbox rows: "a" still
        // pending for seoul only (nyc acked it), "b" for both peers.
        foreach (var (id, seoul, nyc) in new[] { ("a", 1, 0), ("b", 1, 1) })
        {
            var state = State(EntityType.Profile, id, V(1, 0, 0));
            var json = StateJson.Serialize(state).Replace(V(1, 0, 0).ToString(), "1.0.0", StringComparison.Ordinal);
            await temp.ExecuteAsync($"INSERT INTO profiles ({string.Join(", ", "id, portfolio_id, home_region, version, version_vector, last_modified_at, last_modified_by, deleted, payload")}) " +
                $"VALUES ('{id}', NULL, 'osaka', 1, '1.0.0', {state.ModifiedAt.Packed}, 'osaka', 0, '{state.Payload}')");
            await temp.ExecuteAsync("INSERT INTO sync_queue (priority, entity_type, entity_id, operation, version_vector, committed_at_ms, pending_osaka, pending_seoul, pending_nyc, bytes, state) " +
                $"VALUES (2, {(int)EntityType.Profile}, '{id}', 0, '1.0.0', 1700000000000, 0, {seoul}, {nyc}, {json.Length}, '{json}')");
        }

        await temp.Store.InitializeAsync();

        Assert.Equal(V(1, 0, 0), (await temp.Store.ReadAsync(EntityType.Profile, "a"))!.Vector);
        var forSeoul = await temp.Store.PendingForPeerAsync(KnownRegions.Seoul, 10);
        Assert.Equal(["a", "b"], forSeoul.Select(r => r.Item.State.Id));
        Assert.All(forSeoul, r => Assert.Equal(V(1, 0, 0), r.Item.State.Vector));
        Assert.Equal(["b"], (await temp.Store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Select(r => r.Item.State.Id));

        // Acks prune what no peer needs; a new write queues for both peers.
        await temp.Store.AckAsync(KnownRegions.Seoul, [.. forSeoul.Select(r => r.Seq)]);
        Assert.Equal(["b"], (await temp.Store.QueueAsync(null, 0, 10)).Select(r => r.Item.State.Id));
        await temp.Store.CommitLocalAsync([Insert(EntityType.Profile, "c")]);
        Assert.Equal(["c"], (await temp.Store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Select(r => r.Item.State.Id));
        Assert.Equal(["b", "c"], (await temp.Store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Select(r => r.Item.State.Id));
    }

    [SkippableFact]
    public async Task Issue_21_a_row_the_first_release_wrote_with_an_osaka_seoul_nyc_vector_reads_digests_and_replicates_as_that_vector()
    {
        await using var old = await OpenAsync(KnownRegions.Osaka);
        await using var fresh = await OpenAsync(KnownRegions.Osaka);
        foreach (var store in new[] { old.Store, fresh.Store })
        {
            await store.CommitLocalAsync([new(State(EntityType.Profile, "p", V(3, 0, 1)), SyncOperation.Insert, 0)]);
        }

        // As the first release stored it: "osaka.seoul.nyc".
        await old.ExecuteAsync("UPDATE profiles SET version_vector = '3.0.1' WHERE id = 'p'");

        Assert.Equal(V(3, 0, 1), (await old.Store.ReadAsync(EntityType.Profile, "p"))!.Vector);
        Assert.Equal((await fresh.Store.DigestAsync()).Overall, (await old.Store.DigestAsync()).Overall);
        Assert.Equal(await fresh.Store.VersionsAsync(EntityType.Profile), await old.Store.VersionsAsync(EntityType.Profile));

        var newer = new ChangeItem(1, SyncOperation.Update, State(EntityType.Profile, "p", V(3, 0, 2), KnownRegions.Nyc), 1_700_000_000_000);
        var applied = await old.Store.ApplyRemoteAsync(KnownRegions.Nyc, [newer], ConflictResolver.Instance);
        Assert.Single(applied.Stored);
        Assert.Equal(V(3, 0, 2), (await old.Store.ReadAsync(EntityType.Profile, "p"))!.Vector);
    }
}
