using Haunt.Grains.Sync;

namespace Haunt.Tests.Storage;

// Local commits: the optimistic version check, all-or-nothing, and the outbox rows a commit queues.
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task A_new_entity_is_stored_as_written_and_queued_once_for_each_peer_in_its_wire_form()
    {
        var state = State(EntityType.Order, "o-1", V(1, 0, 0), portfolio: "pf-1");

        await CommittedAsync(Insert(state));

        Assert.Equal(state, await Store.ReadAsync(EntityType.Order, "o-1"));
        var json = StateJson.Serialize(state);
        foreach (var peer in KnownRegions.PeersOf(KnownRegions.Osaka))
        {
            var row = Assert.Single(await Store.PendingForPeerAsync(peer, 10));
            Assert.Equal(OutboxRow.ItemJsonOf(row.Seq, SyncOperation.Insert, json, NowMs), row.ItemJson);
            Assert.Equal(json.Length, row.Bytes);
            Assert.Equal(new ChangeItem(row.Seq, SyncOperation.Insert, state, NowMs), row.Item);
        }

        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Osaka, 10)); // never queued for its own region
        Assert.Single(await Store.QueueAsync(null, 0, 10)); // one row, pending for both peers
    }

    [SkippableFact]
    public async Task Issue_25_a_write_made_in_a_sampled_trace_queues_its_traceparent_and_one_made_outside_queues_none()
    {
        using (var request = new System.Diagnostics.Activity("trader request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            request.ActivityTraceFlags = System.Diagnostics.ActivityTraceFlags.Recorded;
            await CommittedAsync(Insert(Profile("traced")));
            Assert.Equal(request.Id, Assert.Single(await Store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Item.TraceParent);
        }

        await CommittedAsync(Insert(Profile("untraced")));

        var untraced = (await Store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Single(r => r.Item.State.Id == "untraced");
        Assert.Null(untraced.Item.TraceParent);
        Assert.DoesNotContain("traceParent", untraced.ItemJson, StringComparison.Ordinal); // no bytes on the wire for it
    }

    [SkippableFact]
    public async Task A_write_that_read_the_stored_version_replaces_it()
    {
        await CommittedAsync(Insert(Profile("p")));

        await CommittedAsync(Update(Profile("p", osaka: 2), expected: 1));
        await CommittedAsync(Update(Profile("p", osaka: 2, seoul: 1), expected: 2));

        Assert.Equal(Profile("p", osaka: 2, seoul: 1), await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Equal(3, (await Store.BacklogAsync(KnownRegions.Seoul)).Rows);
    }

    [SkippableTheory]
    [InlineData(0L)] // an insert of an id that exists
    [InlineData(2L)] // a stale read
    [InlineData(4L)] // a version never stored
    public async Task A_write_that_read_another_version_than_the_stored_one_is_refused_with_the_stored_state(long expected)
    {
        await CommittedAsync(Insert(Profile("p")));
        await CommittedAsync(Update(Profile("p", osaka: 2), expected: 1));
        await CommittedAsync(Update(Profile("p", osaka: 2, seoul: 1), expected: 2));

        var result = await Store.CommitLocalAsync([Update(Profile("p", osaka: 4, seoul: 1), expected)]);

        Assert.Equal(new CommitResult(CommitStatus.VersionMismatch, Profile("p", osaka: 2, seoul: 1)), result);
        Assert.Equal(Profile("p", osaka: 2, seoul: 1), await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Equal(3, (await Store.BacklogAsync(KnownRegions.Nyc)).Rows);
    }

    [SkippableFact]
    public async Task A_write_that_read_a_version_of_an_entity_never_stored_is_refused_without_a_current_state()
    {
        var result = await Store.CommitLocalAsync([Update(Profile("ghost", osaka: 2), expected: 1)]);

        Assert.Equal(new CommitResult(CommitStatus.VersionMismatch, null), result);
        Assert.Null(await Store.ReadAsync(EntityType.Profile, "ghost"));
        Assert.Empty(await Store.QueueAsync(null, 0, 10));
    }

    [SkippableFact]
    public async Task Entity_row_and_outbox_row_commit_together_or_not_at_all()
    {
        await CommittedAsync(Insert(EntityType.Profile, "a"));

        // The middle write claims to build on version 0 but "a" is at version 1: nothing of the commit lands.
        var result = await Store.CommitLocalAsync([Insert(EntityType.Profile, "b"), Insert(EntityType.Profile, "a"), Insert(EntityType.Order, "c")]);

        Assert.Equal(CommitStatus.VersionMismatch, result.Status);
        Assert.Equal(Insert(EntityType.Profile, "a").State, result.Current);
        Assert.Null(await Store.ReadAsync(EntityType.Profile, "b"));
        Assert.Null(await Store.ReadAsync(EntityType.Order, "c"));
        Assert.Single(await Store.PendingForPeerAsync(KnownRegions.Seoul, 100));
    }

    [SkippableFact]
    public async Task Writes_of_one_commit_are_checked_in_order_each_against_what_the_earlier_ones_left()
    {
        // Insert then update of the same entity in one commit: the update builds on the insert.
        await CommittedAsync(Insert(Profile("p")), Update(Profile("p", osaka: 2), expected: 1));

        Assert.Equal(Profile("p", osaka: 2), await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Equal([Profile("p").Vector, Profile("p", osaka: 2).Vector], (await Store.QueueAsync(null, 0, 10)).Select(r => r.Item.State.Vector));

        // Two inserts of one id: the second finds the first's row, so neither lands.
        var twice = await Store.CommitLocalAsync([Insert(Profile("q")), Insert(Profile("q", osaka: 1, seoul: 1))]);
        Assert.Equal(CommitStatus.VersionMismatch, twice.Status);
        Assert.Null(await Store.ReadAsync(EntityType.Profile, "q"));
        Assert.Equal(2, (await Store.BacklogAsync(KnownRegions.Seoul)).Rows);
    }

    [SkippableFact]
    public async Task A_deleted_entity_stays_a_tombstone_that_only_a_write_which_read_it_replaces()
    {
        await CommittedAsync(Insert(Profile("p")));
        var tombstone = State(EntityType.Profile, "p", V(2, 0, 0), deleted: true);
        Assert.Equal(CommitStatus.Committed, (await Store.CommitLocalAsync([new LocalWrite(tombstone, SyncOperation.Delete, 1)])).Status);

        Assert.Equal(tombstone, await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Equal(new CommitResult(CommitStatus.VersionMismatch, tombstone), await Store.CommitLocalAsync([Insert(Profile("p"))]));
        Assert.Equal(SyncOperation.Delete, (await Store.QueueAsync(null, 0, 10))[^1].Item.Operation);

        await CommittedAsync(Update(Profile("p", osaka: 3), expected: 2));
        Assert.Equal(Profile("p", osaka: 3), await Store.ReadAsync(EntityType.Profile, "p"));
    }

    [SkippableFact]
    public async Task A_committed_write_raises_OutboxAppended_and_a_refused_one_does_not()
    {
        var raised = 0;
        Store.OutboxAppended += () => Interlocked.Increment(ref raised);

        await CommittedAsync(Insert(Profile("p")));
        Assert.Equal(CommitStatus.VersionMismatch, (await Store.CommitLocalAsync([Insert(Profile("p"))])).Status);
        await CommittedAsync(Update(Profile("p", osaka: 2), expected: 1));
        await Store.ApplyRemoteAsync(KnownRegions.Seoul, [Change(1, Profile("r", seoul: 1, osaka: 0, by: KnownRegions.Seoul))], ConflictResolver.Instance);

        // The SQL store raises the event on its writer after the commit, before the writer's next job: one more job
        // (any) is the barrier after which every earlier commit's event has been raised.
        await Store.ClearNeedsSnapshotAsync(KnownRegions.Seoul);
        Assert.Equal(2, Volatile.Read(ref raised));
    }

    [SkippableFact]
    public async Task A_commit_stands_even_if_an_OutboxAppended_subscriber_throws()
    {
        Store.OutboxAppended += () => throw new InvalidOperationException("a broken subscriber");

        var result = await Store.CommitLocalAsync([Insert(Profile("p"))]);

        Assert.Equal(CommitStatus.Committed, result.Status);
        Assert.Equal(Profile("p"), await Store.ReadAsync(EntityType.Profile, "p"));
        Assert.Single(await Store.PendingForPeerAsync(KnownRegions.Nyc, 10));
    }
}
