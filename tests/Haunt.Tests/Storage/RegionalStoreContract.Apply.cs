using Haunt.Grains.Sync;

namespace Haunt.Tests.Storage;

// Remote batches: what the resolver decides is what is stored, a batch at a time, checked against the version it saw.
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task Applying_the_same_change_twice_stores_it_once()
    {
        var item = new ChangeItem(7, SyncOperation.Insert, Profile("p", osaka: 0, seoul: 1, by: KnownRegions.Seoul), 0);

        var first = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [item], ConflictResolver.Instance);
        var second = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [item], ConflictResolver.Instance);

        Assert.Single(first.Stored);
        Assert.Empty(second.Stored);
        Assert.Equal(1, second.Ignored);
        Assert.Equal(item.State, await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Empty(await Store.QueueAsync(null, 0, 10)); // applied changes are not re-broadcast
    }

    [SkippableFact]
    public async Task Items_of_a_batch_are_resolved_in_order_each_against_what_the_earlier_ones_left()
    {
        var climbing = await Store.ApplyRemoteAsync(KnownRegions.Seoul,
            [Change(1, Profile("p", osaka: 0, seoul: 1)), Change(2, Profile("p", osaka: 0, seoul: 2))], ConflictResolver.Instance);
        var falling = await Store.ApplyRemoteAsync(KnownRegions.Seoul,
            [Change(4, Profile("p", osaka: 0, seoul: 4)), Change(3, Profile("p", osaka: 0, seoul: 3))], ConflictResolver.Instance);

        Assert.Equal((2, 0), (climbing.Stored.Count, climbing.Ignored));
        Assert.Equal((1, 1), (falling.Stored.Count, falling.Ignored));
        Assert.Equal(Profile("p", osaka: 0, seoul: 4), await Store.ReadAsync(EntityType.Profile, "p"));
    }

    [SkippableFact]
    public async Task The_store_keeps_what_the_resolver_returns_and_counts_the_rest_as_ignored()
    {
        var resolver = new ScriptedResolver((local, incoming) => incoming.Id switch
        {
            "kept" => new Resolution(ApplyOutcome.Applied, incoming with { Payload = "{\"resolved\":true}" }),
            "refused" => Resolution.Ignore,
            "empty" => new Resolution(ApplyOutcome.Applied), // nothing to store
            _ => new Resolution(ApplyOutcome.Conflict, incoming, "seoul", "test"), // a conflict with nothing stored here
        });
        var ids = new[] { "kept", "refused", "empty", "new" };

        var result = await Store.ApplyRemoteAsync(KnownRegions.Seoul, ids.Select((id, i) => Change(i + 1, Profile(id, osaka: 0, seoul: 1))).ToList(), resolver);

        Assert.Equal([Profile("kept", osaka: 0, seoul: 1) with { Payload = "{\"resolved\":true}" }, Profile("new", osaka: 0, seoul: 1)], result.Stored);
        Assert.Equal(2, result.Ignored);
        Assert.Empty(result.Conflicts);
        Assert.Equal(0, await Store.ConflictCountAsync());
        Assert.Equal(result.Stored, await Store.ReadManyAsync(EntityType.Profile, ids));
    }

    [SkippableFact]
    public async Task A_conflict_row_records_both_sides_the_winner_the_policy_and_when_it_was_found()
    {
        await CommittedAsync(Insert(Profile("p")));
        Clock.Now += TimeSpan.FromSeconds(5);
        var remote = Profile("p", osaka: 0, seoul: 1, by: KnownRegions.Seoul);

        var result = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(3, remote)], ConflictResolver.Instance);

        // Same clock: the tie goes to the higher-ranked region, osaka, stored with the merged vector.
        var row = Assert.Single(await Store.ConflictsAsync(0, 10));
        Assert.Equal(new ConflictRecord(row.Id, EntityType.Profile, "p", V(1, 0, 0).ToString(), V(0, 1, 0).ToString(), Profile("p").Payload, remote.Payload,
            KnownRegions.Osaka, KnownRegions.Seoul, KnownRegions.Osaka, "last-writer-wins", KnownRegions.Osaka, NowMs), row);
        Assert.Equal(row, Assert.Single(result.Conflicts));
        var merged = Profile("p") with { Vector = V(1, 1, 0) };
        Assert.Equal(merged, await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Equal(merged, Assert.Single(result.Stored));
    }

    [SkippableFact]
    public async Task Conflicts_detected_before_the_retention_cutoff_are_pruned_and_later_ones_kept()
    {
        await CommittedAsync(Insert(Profile("old")));
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(3, Profile("old", osaka: 0, seoul: 1, by: KnownRegions.Seoul))], ConflictResolver.Instance);
        var cutoff = NowMs + 1;
        Clock.Now += TimeSpan.FromSeconds(5);
        await CommittedAsync(Insert(Profile("new")));
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(4, Profile("new", osaka: 0, seoul: 1, by: KnownRegions.Seoul))], ConflictResolver.Instance);

        Assert.Equal(1, await Store.PruneConflictsAsync(cutoff));

        Assert.Equal("new", Assert.Single(await Store.ConflictsAsync(0, 10)).EntityId);
        Assert.Equal(0, await Store.PruneConflictsAsync(cutoff));
    }

    [SkippableFact]
    public async Task A_concurrent_pair_delivered_twice_is_one_conflict_row_and_the_applied_seq_only_rises()
    {
        await CommittedAsync(Insert(Profile("p")));
        var remote = Change(9, Profile("p", osaka: 0, seoul: 1, by: KnownRegions.Seoul));
        var older = Change(4, Profile("q", osaka: 0, seoul: 1, by: KnownRegions.Seoul));

        var first = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [remote], ConflictResolver.Instance);
        var again = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [remote, older], ConflictResolver.Instance);

        Assert.Single(first.Conflicts);
        Assert.Empty(again.Conflicts);
        Assert.Equal(1, await Store.ConflictCountAsync());
        var row = Assert.Single(await Store.ConflictsAsync(0, 10));
        Assert.Equal((EntityType.Profile, "p", KnownRegions.Osaka), (row.EntityType, row.EntityId, row.DetectedIn));
        Assert.Equal(V(1, 1, 0), (await Store.ReadAsync(EntityType.Profile, "p"))!.Vector);
        Assert.NotNull(await Store.ReadAsync(EntityType.Profile, "q"));
        var fromSeoul = await Store.PeerStateAsync(KnownRegions.Seoul);
        Assert.Equal((9L, 2L), (fromSeoul.LastSeqApplied, fromSeoul.ChangesApplied)); // the resent p was not stored again
    }

    [SkippableFact]
    public async Task The_highest_seq_applied_and_the_changes_stored_are_kept_per_origin()
    {
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(5, Profile("a", 0, 1)), Change(6, Profile("b", 0, 1))], ConflictResolver.Instance);
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(3, Profile("c", 0, 1)), Change(2, Profile("a", 0, 1))], ConflictResolver.Instance);
        await Store.ApplyRemoteAsync(KnownRegions.Nyc, [Change(8, Profile("d", 0, 0, 1))], ConflictResolver.Instance);

        var seoul = await Store.PeerStateAsync(KnownRegions.Seoul);
        var nyc = await Store.PeerStateAsync(KnownRegions.Nyc);
        Assert.Equal((6L, 3L), (seoul.LastSeqApplied, seoul.ChangesApplied)); // the older seq 3 did not lower it; the duplicate a not counted
        Assert.Equal((8L, 1L), (nyc.LastSeqApplied, nyc.ChangesApplied));
        Assert.Equal((0L, (long?)null), (seoul.Watermark, seoul.LastAckAtMs)); // applying is not acking
    }

    [SkippableFact]
    public async Task A_batch_whose_resolver_throws_stores_none_of_it()
    {
        var resolver = new ScriptedResolver((local, incoming) =>
            incoming.Id == "bad" ? throw new InvalidOperationException("the resolver broke") : ConflictResolver.Instance.Resolve(local, incoming));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, Profile("good", 0, 1)), Change(2, Profile("bad", 0, 1))], resolver));

        Assert.Null(await Store.ReadAsync(EntityType.Profile, "good"));
        Assert.Equal(0, (await Store.PeerStateAsync(KnownRegions.Seoul)).LastSeqApplied);
    }

    /// <summary>
    /// A local write of the entity a batch is resolving, made from inside the resolver (between the store's read
    /// and its write). The SQL store's writer runs it after the apply, so it is refused as stale; a store that
    /// lets it in first must see the version moved and resolve again on top of it. Either way it is not lost.
    /// </summary>
    [SkippableFact]
    public async Task An_entity_written_while_the_resolver_decides_is_never_overwritten()
    {
        await CommittedAsync(Insert(Profile("e")));
        var local = Update(Profile("e", osaka: 2), expected: 1);
        var remote = Change(1, Profile("e", osaka: 1, seoul: 1, by: KnownRegions.Seoul));
        Task<CommitResult>? localCommit = null;
        var resolver = new ScriptedResolver((stored, incoming) =>
        {
            localCommit ??= Store.CommitLocalAsync([local]);
            return ConflictResolver.Instance.Resolve(stored, incoming);
        });

        var applied = await Store.ApplyRemoteAsync(KnownRegions.Seoul, [remote], resolver);
        var localResult = await localCommit!;

        var now = (await Store.ReadAsync(EntityType.Profile, "e"))!;
        Assert.Equal(now, Assert.Single(applied.Stored));
        if (localResult.Status == CommitStatus.Committed)
        {
            Assert.Equal(V(2, 1, 0), now.Vector);
            Assert.Single(applied.Conflicts);
            Assert.Equal(2, resolver.Calls);
        }
        else
        {
            Assert.Equal(remote.State, now);
            Assert.Equal(remote.State, localResult.Current);
        }
    }
}
