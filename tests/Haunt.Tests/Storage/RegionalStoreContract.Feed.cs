namespace Haunt.Tests.Storage;

// The change feed (010_change_feed): what a region stored, its own writes and applied changes, in its commit order.
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task The_feed_holds_local_writes_applied_changes_and_deletes_in_commit_order_with_their_states()
    {
        var first = Profile("p-1");
        await CommittedAsync(Insert(first));
        var second = Profile("p-1", osaka: 2);
        await CommittedAsync(Update(second, 1));
        var fromSeoul = Profile("p-2", osaka: 0, seoul: 1, by: KnownRegions.Seoul);
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, fromSeoul)], ConflictResolver.Instance);
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, fromSeoul)], ConflictResolver.Instance); // a duplicate: nothing stored, nothing fed
        var deleted = State(EntityType.Profile, "p-1", V(3, 0, 0), deleted: true);
        await CommittedAsync(new LocalWrite(deleted, SyncOperation.Delete, 2));

        var page = await Store.ChangesAsync(new FeedQuery(0, 100));

        Assert.Equal([first, second, fromSeoul, deleted], page.Changes.Select(c => c.State));
        Assert.Equal([SyncOperation.Insert, SyncOperation.Update, SyncOperation.Update, SyncOperation.Delete], page.Changes.Select(c => c.Operation));
        Assert.Equal([KnownRegions.Osaka, KnownRegions.Osaka, KnownRegions.Seoul, KnownRegions.Osaka], page.Changes.Select(c => c.OriginRegion));
        Assert.Equal(page.Changes.Select(c => c.Seq).Order(), page.Changes.Select(c => c.Seq));
        Assert.Equal(page.Changes[^1].Seq, page.LastSeq);
        Assert.Empty((await Store.ChangesAsync(new FeedQuery(page.LastSeq, 100))).Changes);
        Assert.Equal(new FeedBounds(0, page.LastSeq), await Store.FeedBoundsAsync()); // nothing pruned yet
    }

    [SkippableFact]
    public async Task Feed_reads_filter_by_type_portfolio_and_owner_and_the_next_read_starts_past_what_they_skipped()
    {
        await CommittedAsync(Insert(PortfolioOf("pf-1", "alice")));
        await CommittedAsync(Insert(State(EntityType.Order, "o-1", V(1, 0, 0), portfolio: "pf-1")));
        await CommittedAsync(Insert(Profile("p-1")));
        var all = await Store.ChangesAsync(new FeedQuery(0, 100));
        Assert.Equal(3, all.Changes.Count);

        Assert.Equal(["pf-1", "o-1"], (await Store.ChangesAsync(new FeedQuery(0, 100, Owner: "alice"))).Changes.Select(c => c.State.Id));
        Assert.Equal(["pf-1", "o-1"], (await Store.ChangesAsync(new FeedQuery(0, 100, PortfolioId: "pf-1"))).Changes.Select(c => c.State.Id));
        Assert.Equal(["o-1"], (await Store.ChangesAsync(new FeedQuery(0, 100, Types: [EntityType.Order]))).Changes.Select(c => c.State.Id));
        var nothing = await Store.ChangesAsync(new FeedQuery(0, 100, Owner: "bob"));
        Assert.Empty(nothing.Changes);
        Assert.Equal(all.LastSeq, nothing.LastSeq); // past every change the filter skipped

        var one = await Store.ChangesAsync(new FeedQuery(0, 1, Owner: "alice"));
        Assert.Equal(["pf-1"], one.Changes.Select(c => c.State.Id));
        Assert.Equal(one.Changes[0].Seq, one.LastSeq); // a full page: the next read starts right after it
        Assert.Equal(["o-1"], (await Store.ChangesAsync(new FeedQuery(one.LastSeq, 1, Owner: "alice"))).Changes.Select(c => c.State.Id));
    }

    [SkippableFact]
    public async Task Pruning_removes_changes_committed_before_the_cutoff_and_the_bounds_move()
    {
        await CommittedAsync(Insert(Profile("old")));
        var cutoff = NowMs + 1;
        Clock.Now += TimeSpan.FromHours(1);
        await CommittedAsync(Insert(Profile("new")));

        var before = await Store.ChangesAsync(new FeedQuery(0, 100));

        Assert.Equal(1, await Store.PruneFeedAsync(cutoff));
        Assert.Equal(0, await Store.PruneFeedAsync(cutoff)); // nothing more before it

        var page = await Store.ChangesAsync(new FeedQuery(0, 100));
        Assert.Equal(["new"], page.Changes.Select(c => c.State.Id));
        Assert.Equal(new FeedBounds(before.Changes[0].Seq, page.Changes[0].Seq), await Store.FeedBoundsAsync());

        // Pruned empty, the feed still knows where it stands: a reader from now starts after the last seq handed out.
        Assert.Equal(1, await Store.PruneFeedAsync(NowMs + 1));
        Assert.Equal(new FeedBounds(page.Changes[0].Seq, page.Changes[0].Seq), await Store.FeedBoundsAsync());
        await CommittedAsync(Insert(Profile("newer")));
        Assert.True((await Store.ChangesAsync(new FeedQuery(page.Changes[0].Seq, 10))).Changes.Single().Seq > page.Changes[0].Seq);
    }

    [SkippableFact]
    public async Task A_checkpoint_is_stored_replaced_listed_by_prefix_and_measured_against_the_head()
    {
        await CommittedAsync(Insert(Profile("a")));
        var first = (await Store.ChangesAsync(new FeedQuery(0, 10))).LastSeq;
        await Store.SaveCheckpointAsync("u1/loader", first);
        Clock.Now += TimeSpan.FromSeconds(5);
        await CommittedAsync(Insert(Profile("b")));
        await CommittedAsync(Insert(Profile("c")));

        Assert.Equal(new FeedCheckpoint("u1/loader", first, NowMs - 5000), await Store.CheckpointAsync("u1/loader"));
        Assert.Equal(new FeedLag(2, NowMs), await Store.LagAfterAsync(first));
        Assert.Equal(new FeedLag(0, null), await Store.LagAfterAsync(first + 1000));

        await Store.SaveCheckpointAsync("u1/loader", first + 1);
        await Store.SaveCheckpointAsync("u2/loader", first);
        Assert.Equal(first + 1, (await Store.CheckpointAsync("u1/loader"))!.Seq);
        Assert.Equal(["u1/loader"], (await Store.CheckpointsAsync("u1/", 10)).Select(c => c.Group));
        Assert.Null(await Store.CheckpointAsync("u3/loader"));
    }

    [SkippableFact]
    public async Task Consumer_groups_as_a_whole_count_the_stuck_and_measure_the_one_furthest_behind()
    {
        Assert.Equal(new FeedGroupsLag(0, 0, new FeedLag(0, null)), await Store.FeedGroupsLagAsync(NowMs));
        await CommittedAsync(Insert(Profile("a")));
        var first = (await Store.ChangesAsync(new FeedQuery(0, 10))).LastSeq;
        var firstAt = NowMs;
        await Store.SaveCheckpointAsync("u1/slow", first - 1); // before "a": behind by it
        await Store.SaveCheckpointAsync("u2/done", first);
        Clock.Now += TimeSpan.FromMinutes(10);
        await Store.SaveCheckpointAsync("u3/fresh", first - 1); // as far behind, but stored just now
        await CommittedAsync(Insert(Profile("b")));

        // Stuck: behind the head and stored before the cutoff. u2 is behind now too ("b"), and stored as long ago as u1.
        var groups = await Store.FeedGroupsLagAsync(NowMs - 60_000);
        Assert.Equal(new FeedGroupsLag(3, 2, new FeedLag(2, firstAt)), groups);
        Assert.Equal(0, (await Store.FeedGroupsLagAsync(firstAt - 1)).Stuck); // none stored before that

        // Caught up, a group is not stuck however long it has not stored anything.
        await Store.SaveCheckpointAsync("u1/slow", first + 1);
        await Store.SaveCheckpointAsync("u2/done", first + 1);
        await Store.SaveCheckpointAsync("u3/fresh", first + 1);
        Clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(new FeedGroupsLag(3, 0, new FeedLag(0, null)), await Store.FeedGroupsLagAsync(NowMs - 60_000));
    }

    [SkippableFact]
    public async Task Live_states_are_read_a_page_at_a_time_in_id_order_of_a_portfolio_or_of_an_owners_portfolios()
    {
        await CommittedAsync(Insert(PortfolioOf("pf-1", "alice")));
        foreach (var (order, portfolio) in new[] { ("o-1", "pf-1"), ("o-2", "pf-1"), ("o-3", "pf-2"), ("o-4", "pf-1") })
        {
            await CommittedAsync(Insert(State(EntityType.Order, order, V(1, 0, 0), portfolio: portfolio)));
        }

        await CommittedAsync(new LocalWrite(State(EntityType.Order, "o-4", V(2, 0, 0), deleted: true, portfolio: "pf-1"), SyncOperation.Delete, 1));

        Assert.Equal(["o-1", "o-2"], (await Store.LiveStatesAsync(EntityType.Order, "", 10, owner: "alice")).Select(s => s.Id)); // o-4 is deleted
        Assert.Equal(["o-2"], (await Store.LiveStatesAsync(EntityType.Order, "o-1", 10, portfolioId: "pf-1")).Select(s => s.Id));
        Assert.Equal(["pf-1"], (await Store.LiveStatesAsync(EntityType.Portfolio, "", 10, owner: "alice")).Select(s => s.Id));
        Assert.Equal(["o-1", "o-2"], (await Store.LiveStatesAsync(EntityType.Order, "", 2)).Select(s => s.Id));
        Assert.Equal(["o-3"], (await Store.LiveStatesAsync(EntityType.Order, "o-2", 2)).Select(s => s.Id));
        Assert.Empty(await Store.LiveStatesAsync(EntityType.Order, "", 10, owner: "bob"));
    }

    private EntityState PortfolioOf(string id, string owner) =>
        new(EntityType.Portfolio, id, KnownRegions.Osaka, V(1, 0, 0), new HybridTimestamp(1_767_600_000_001, 0), KnownRegions.Osaka,
            false, null, StateJson.Serialize(new Portfolio(id, owner, 100m, 100m, Clock.Now)));
}
