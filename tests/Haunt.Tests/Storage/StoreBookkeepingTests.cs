using Haunt.Grains.Sync;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

public sealed class SqliteBookkeepingTests() : StoreBookkeepingTests(StoreKind.Sqlite);

public sealed class PostgresBookkeepingTests() : StoreBookkeepingTests(StoreKind.Postgres);

/// <summary>
/// The statements each engine spells its own way (lists, the last outbox seq, upserts, text order) give the
/// same answers on both.
/// </summary>
public abstract class StoreBookkeepingTests(StoreKind kind) : StoreTestsBase(kind)
{
    private static EntityState State(string id, VersionVector vector, string region = KnownRegions.Osaka) =>
        new(EntityType.Profile, id, region, vector, new HybridTimestamp(1_700_000_000_000 + vector.Sum, 0), region, false, null,
            $"{{\"id\":\"{id}\",\"displayName\":\"{region}\",\"riskTolerance\":1}}");

    private static LocalWrite Insert(string id) => new(State(id, new VersionVector(1, 0, 0)), SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task Rows_in_flight_are_skipped_and_acked_rows_move_the_watermark_to_the_last_seq()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        foreach (var id in new[] { "a", "b", "c" })
        {
            await store.CommitLocalAsync([Insert(id)]);
        }

        var all = await store.PendingForPeerAsync(KnownRegions.Seoul, 10);
        var rest = await store.PendingForPeerAsync(KnownRegions.Seoul, 10, [all[0].Seq, all[1].Seq]);
        Assert.Equal([all[2].Seq], rest.Select(r => r.Seq));

        await store.AckAsync(KnownRegions.Seoul, all.Select(r => r.Seq).ToList());
        await store.AckAsync(KnownRegions.Nyc, all.Select(r => r.Seq).ToList());

        var backlog = await store.BacklogAsync(KnownRegions.Seoul);
        Assert.Equal((0, 0, all[2].Seq), (backlog.Rows, backlog.Bytes, backlog.LastSeq));
        Assert.Equal(all[2].Seq, (await store.PeerStateAsync(KnownRegions.Seoul)).Watermark);
        Assert.Empty(await store.QueueAsync(null, 0, 10)); // every peer has them: pruned
    }

    [SkippableFact]
    public async Task Ids_are_listed_in_byte_order_whatever_the_database_locale()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        string[] ids = ["b", "_x", "B", "a"];
        foreach (var id in ids)
        {
            await store.CommitLocalAsync([Insert(id)]);
        }

        string[] ordinal = ["B", "_x", "a", "b"];
        Assert.Equal(ordinal, (await store.VersionsAsync(EntityType.Profile)).Select(v => v.Id));
        Assert.Equal(["B", "b"], (await store.ReadManyAsync(EntityType.Profile, ["b", "B", "missing"])).Select(s => s.Id));
    }

    [SkippableFact]
    public async Task A_concurrent_pair_delivered_twice_is_one_conflict_row_and_the_applied_seq_only_rises()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.CommitLocalAsync([Insert("p")]);
        var remote = new ChangeItem(9, SyncOperation.Update, State("p", new VersionVector(0, 1, 0), KnownRegions.Seoul), 0);
        var older = new ChangeItem(4, SyncOperation.Update, State("q", new VersionVector(0, 1, 0), KnownRegions.Seoul), 0);

        var first = await store.ApplyRemoteAsync(KnownRegions.Seoul, [remote], ConflictResolver.Instance);
        var again = await store.ApplyRemoteAsync(KnownRegions.Seoul, [remote, older], ConflictResolver.Instance);

        Assert.Single(first.Conflicts);
        Assert.Empty(again.Conflicts);
        Assert.Equal(1, await store.ConflictCountAsync());
        var row = Assert.Single(await store.ConflictsAsync(0, 10));
        Assert.Equal((EntityType.Profile, "p", KnownRegions.Osaka), (row.EntityType, row.EntityId, row.DetectedIn));
        Assert.Equal(new VersionVector(1, 1, 0), (await store.ReadAsync(EntityType.Profile, "p"))!.Vector);
        Assert.NotNull(await store.ReadAsync(EntityType.Profile, "q"));
        var fromSeoul = await store.PeerStateAsync(KnownRegions.Seoul);
        Assert.Equal((9L, 2L), (fromSeoul.LastSeqApplied, fromSeoul.ChangesApplied)); // the resent p was not stored again
    }

    [SkippableFact]
    public async Task Releasing_a_backlog_keeps_rows_other_peers_still_need_and_flags_the_peer()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.CommitLocalAsync([Insert("a")]);
        await store.CommitLocalAsync([Insert("b")]);
        var seqs = (await store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Select(r => r.Seq).ToList();
        await store.AckAsync(KnownRegions.Seoul, [seqs[0]]);

        Assert.Equal(2, await store.ReleaseBacklogAsync(KnownRegions.Nyc));

        Assert.True((await store.PeerStateAsync(KnownRegions.Nyc)).NeedsSnapshot);
        Assert.Equal([seqs[1]], (await store.QueueAsync(null, 0, 10)).Select(r => r.Seq)); // seoul still needs b
        await store.ClearNeedsSnapshotAsync(KnownRegions.Nyc);
        Assert.False((await store.PeerStateAsync(KnownRegions.Nyc)).NeedsSnapshot);
    }

    [SkippableFact]
    public async Task Metrics_rows_are_appended_and_pruned_by_age()
    {
        await using var temp = await OpenAsync();
        var store = temp.Store;
        await store.AppendMetricsAsync(1_000, "{\"n\":1}", pruneBeforeMs: 0);
        await store.AppendMetricsAsync(2_000, "{\"n\":2}", pruneBeforeMs: 1_500);

        var row = Assert.Single(await store.MetricsAsync(0, 10));
        Assert.Equal((KnownRegions.Osaka, 2_000L, "{\"n\":2}"), (row.Region, row.RecordedAtMs, row.Metrics));
    }
}
