using Haunt.Grains.Sync;

namespace Haunt.Tests.Storage;

// Reads: what reconciliation walks (versions, many ids, the digest), what the API lists, conflicts and metrics.
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task Ids_are_listed_in_byte_order_whatever_the_database_locale()
    {
        string[] ids = ["b", "_x", "B", "a"];
        foreach (var id in ids)
        {
            await CommittedAsync(Insert(EntityType.Profile, id));
        }

        string[] ordinal = ["B", "_x", "a", "b"];
        Assert.Equal(ordinal, (await Store.VersionsAsync(EntityType.Profile)).Select(v => v.Id));
        Assert.Equal(["B", "b"], (await Store.ReadManyAsync(EntityType.Profile, ["b", "B", "missing", "b"])).Select(s => s.Id));
        Assert.Empty(await Store.ReadManyAsync(EntityType.Order, ids));
    }

    [SkippableFact]
    public async Task A_portfolio_lists_its_live_entities_of_one_type_in_id_order()
    {
        EntityState OrderIn(string portfolio, string id, long version = 1, bool deleted = false) =>
            State(EntityType.Order, id, V(version, 0, 0), deleted: deleted, portfolio: portfolio);
        await CommittedAsync(Insert(OrderIn("pf-1", "o-2")), Insert(OrderIn("pf-1", "o-1")), Insert(OrderIn("pf-2", "o-3")), Insert(OrderIn("pf-1", "o-4")));
        await CommittedAsync(Insert(State(EntityType.Trade, "t-1", V(1, 0, 0), portfolio: "pf-1")));
        await CommittedAsync(new LocalWrite(OrderIn("pf-1", "o-4", version: 2, deleted: true), SyncOperation.Delete, 1));

        Assert.Equal([OrderIn("pf-1", "o-1"), OrderIn("pf-1", "o-2")], await Store.ListByPortfolioAsync(EntityType.Order, "pf-1"));
        Assert.Empty(await Store.ListByPortfolioAsync(EntityType.Order, "pf-9"));
        // Paged: ids after a cursor, at most a limit, in id order.
        Assert.Equal([OrderIn("pf-1", "o-1")], await Store.ListByPortfolioAsync(EntityType.Order, "pf-1", null, 1));
        Assert.Equal([OrderIn("pf-1", "o-2")], await Store.ListByPortfolioAsync(EntityType.Order, "pf-1", "o-1", 1));
        Assert.Empty(await Store.ListByPortfolioAsync(EntityType.Order, "pf-1", "o-2", 10));
    }

    [SkippableFact]
    public async Task Issue_20_a_users_live_portfolios_are_counted_by_owner_whoever_wrote_them()
    {
        EntityState PortfolioOf(string id, string owner, long osaka = 1, long seoul = 0, bool deleted = false) =>
            State(EntityType.Portfolio, id, V(osaka, seoul, 0), deleted: deleted) with
            {
                Payload = StateJson.Serialize(new Portfolio(id, owner, 10m, 10m, DateTimeOffset.UnixEpoch)),
            };
        await CommittedAsync(Insert(PortfolioOf("p-1", "alice")), Insert(PortfolioOf("p-2", "alice")), Insert(PortfolioOf("p-3", "bob")));
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, PortfolioOf("p-4", "alice", osaka: 0, seoul: 1))], ConflictResolver.Instance);
        await CommittedAsync(new LocalWrite(PortfolioOf("p-2", "alice", osaka: 2, deleted: true), SyncOperation.Delete, 1));
        await CommittedAsync(Update(PortfolioOf("p-3", "carol", osaka: 2), 1));
        // A payload that is no portfolio at all (from a peer) is stored as sent and counts for no one.
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(2, PortfolioOf("p-5", "alice", osaka: 0, seoul: 1) with { Payload = "{not json" })], ConflictResolver.Instance);

        Assert.Equal(2, await Store.CountPortfoliosOwnedByAsync("alice")); // p-1 and the replicated p-4; p-2 is deleted
        Assert.Equal(0, await Store.CountPortfoliosOwnedByAsync("bob"));
        Assert.Equal(1, await Store.CountPortfoliosOwnedByAsync("carol"));
        Assert.Equal("{not json", (await Store.ReadAsync(EntityType.Portfolio, "p-5"))!.Payload);
    }

    [SkippableFact]
    public async Task The_digest_sums_every_rows_stamp_hash_of_id_vector_and_tombstone_flag_per_type()
    {
        await CommittedAsync(Insert(Profile("b")), Insert(Profile("a")));
        await CommittedAsync(new LocalWrite(State(EntityType.Profile, "a", V(2, 0, 0), deleted: true), SyncOperation.Delete, 1));
        await CommittedAsync(Insert(EntityType.Order, "o"));

        var digest = await Store.DigestAsync();

        // The same form in every implementation, so that regions on different engines compare equal.
        var order = StampSum.Of(StampHash.Of("o", V(1, 0, 0), false), false);
        var profile = StampSum.Of(StampHash.Of("a", V(2, 0, 0), true), true).Add(StampSum.Of(StampHash.Of("b", V(1, 0, 0), false), false));
        var expected = RegionDigest.Of(new Dictionary<EntityType, StampSum> { [EntityType.Order] = order, [EntityType.Profile] = profile });
        Assert.Equal(expected.Overall, digest.Overall);
        Assert.Equal(2, digest.Entities); // the tombstone is in the sums, not in the count
        Assert.Equal(EntityTypes.All.Select(i => i.Type).Order(), digest.PerType.Keys.Order());
        Assert.Equal(expected.PerType.OrderBy(p => p.Key), digest.PerType.OrderBy(p => p.Key));
        Assert.NotEqual(digest.PerType[EntityType.Order], digest.PerType[EntityType.Trade]);
        Assert.Equal([new VersionStamp("a", V(2, 0, 0), true), new VersionStamp("b", V(1, 0, 0), false)],
            await Store.VersionsAsync(EntityType.Profile));
    }

    [SkippableFact]
    public async Task Bucket_sums_and_stamps_cover_exactly_the_rows_of_each_bucket_and_follow_every_write()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"p-{i:D2}").ToArray();
        await CommittedAsync([.. ids.Select(id => Insert(Profile(id)))]);
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, Profile("p-07", 1, 1, by: KnownRegions.Seoul))], ConflictResolver.Instance);
        await CommittedAsync(new LocalWrite(State(EntityType.Profile, "p-08", V(2, 0, 0), deleted: true), SyncOperation.Delete, 1));

        // 16 divides the fine buckets the SQL stores keep sums of as rows change (009_stamp_sums); 7 is summed over the index.
        foreach (var buckets in new[] { 16, 7 })
        {
            await SumsAndStampsMatchTheRowsAsync(buckets);
        }
    }

    private async Task SumsAndStampsMatchTheRowsAsync(int buckets)
    {
        var rows = (await Store.VersionsAsync(EntityType.Profile))
            .ToDictionary(v => v.Id, v => (Stamp: new HashedStamp(v.Id, StampHash.BucketOf(StampHash.OfId(v.Id), buckets), StampHash.Of(v.Id, v.Vector, v.Deleted)), v.Deleted));
        var expected = rows.Values.GroupBy(r => r.Stamp.Bucket)
            .ToDictionary(g => g.Key, g => g.Aggregate(default(StampSum), (sum, r) => sum.Add(StampSum.Of(r.Stamp.Hash, r.Deleted))));

        var sums = await Store.BucketSumsAsync(EntityType.Profile, buckets);
        Assert.Equal(expected.OrderBy(e => e.Key), sums.OrderBy(e => e.Key));
        Assert.Equal((40, 39), (sums.Values.Sum(s => s.Rows), sums.Values.Sum(s => s.Live)));
        Assert.Empty(await Store.BucketSumsAsync(EntityType.Trade, buckets));

        int[] asked = [5, 2];
        var stamps = await Store.StampsInAsync(EntityType.Profile, asked, buckets);
        Assert.Equal(rows.Values.Select(r => r.Stamp).Where(s => asked.Contains(s.Bucket)).OrderBy(s => s.Id, StringComparer.Ordinal), stamps.Select(s => s with { ModifiedAtMs = 0 }));
        foreach (var stamp in stamps)
        {
            Assert.Equal((await Store.ReadAsync(EntityType.Profile, stamp.Id))!.ModifiedAt.WallMilliseconds, stamp.ModifiedAtMs);
        }

        // Every write keeps its row's hash: the applied change's version and the tombstone, not the versions before them.
        Assert.Equal(StampHash.Of("p-07", V(1, 1, 0), false), rows["p-07"].Stamp.Hash);
        Assert.Equal(StampHash.Of("p-08", V(2, 0, 0), true), rows["p-08"].Stamp.Hash);
    }

    [SkippableFact]
    public async Task Conflicts_are_paged_by_id_after_the_last_one_seen()
    {
        string[] ids = ["p1", "p2", "p3"];
        await CommittedAsync([.. ids.Select(id => Insert(Profile(id)))]);
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, ids.Select((id, i) => Change(i + 1, Profile(id, 0, 1, by: KnownRegions.Seoul))).ToList(), ConflictResolver.Instance);

        var page = await Store.ConflictsAsync(0, 2);
        var next = await Store.ConflictsAsync(page[^1].Id, 10);

        Assert.Equal(["p1", "p2", "p3"], page.Concat(next).Select(c => c.EntityId));
        Assert.True(page[0].Id < page[1].Id && page[1].Id < next.Single().Id, "ids rise in the order conflicts were found");
        Assert.Empty(await Store.ConflictsAsync(next[^1].Id, 10));
        Assert.Equal(3, await Store.ConflictCountAsync());
    }

    [SkippableFact]
    public async Task Metrics_rows_are_appended_and_pruned_by_age()
    {
        await Store.AppendMetricsAsync(1_000, "{\"n\":1}", pruneBeforeMs: 0);
        await Store.AppendMetricsAsync(2_000, "{\"n\":2}", pruneBeforeMs: 1_500);

        var row = Assert.Single(await Store.MetricsAsync(0, 10));
        Assert.Equal((KnownRegions.Osaka, 2_000L, "{\"n\":2}"), (row.Region, row.RecordedAtMs, row.Metrics));
    }

    [SkippableFact]
    public async Task Metrics_are_read_from_a_time_on_oldest_first_up_to_a_limit()
    {
        foreach (var at in new long[] { 3_000, 1_000, 2_000 })
        {
            await Store.AppendMetricsAsync(at, $"{{\"at\":{at}}}", pruneBeforeMs: 0);
        }

        Assert.Equal([2_000L, 3_000L], (await Store.MetricsAsync(1_500, 10)).Select(r => r.RecordedAtMs));
        Assert.Equal([1_000L, 2_000L], (await Store.MetricsAsync(0, 2)).Select(r => r.RecordedAtMs));
        Assert.Equal("{\"at\":3000}", (await Store.MetricsAsync(3_000, 10)).Single().Metrics);
    }
}
