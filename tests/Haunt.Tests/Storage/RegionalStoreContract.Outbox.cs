namespace Haunt.Tests.Storage;

// The outbox as the sender sees it (pending rows, acks, watermark, backlog, release) and as operators see it (queue).
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task Outbox_hands_out_rows_in_priority_then_sequence_order()
    {
        // Written low priority first; orders (priority 0) must still leave first.
        await CommittedAsync(Insert(EntityType.PredictionHistory, "ph-1"));
        await CommittedAsync(Insert(EntityType.Profile, "pr-1"));
        await CommittedAsync(Insert(EntityType.Order, "o-1"));
        await CommittedAsync(Insert(EntityType.Profile, "pr-2"));
        await CommittedAsync(Insert(EntityType.Order, "o-2"));

        var rows = await Store.PendingForPeerAsync(KnownRegions.Seoul, 100);

        Assert.Equal(["o-1", "o-2", "pr-1", "pr-2", "ph-1"], rows.Select(r => r.Item.State.Id));
        Assert.Equal(rows.Select(r => r.Item.Priority).Order(), rows.Select(r => r.Item.Priority));
        Assert.Equal(["o-1", "o-2"], (await Store.PendingForPeerAsync(KnownRegions.Seoul, 2)).Select(r => r.Item.State.Id));
        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Osaka, 100)); // never queued for itself
    }

    [SkippableFact]
    public async Task A_cursor_skips_in_each_priority_only_what_was_taken_there()
    {
        // The profile is queued first, the order after it: the order leaves first, and taking it must not hide the
        // profile whose seq is lower (one cursor over all priorities would).
        await CommittedAsync(Insert(EntityType.Profile, "pr-1"));
        await CommittedAsync(Insert(EntityType.Order, "o-1"));
        var cursor = new OutboxCursor();
        var first = Assert.Single(await Store.PendingForPeerAsync(KnownRegions.Seoul, 1, cursor));
        Assert.Equal(("o-1", EntityType.Order.Info().Priority), (first.Item.State.Id, first.Priority));
        cursor.Took(first.Priority, first.Seq);

        // An order queued after the profile was read leaves before it all the same.
        await CommittedAsync(Insert(EntityType.Order, "o-2"));
        Assert.Equal(["o-2", "pr-1"], (await Store.PendingForPeerAsync(KnownRegions.Seoul, 10, cursor)).Select(r => r.Item.State.Id));

        var rest = await Store.PendingForPeerAsync(KnownRegions.Seoul, 10, cursor);
        foreach (var row in rest)
        {
            cursor.Took(row.Priority, row.Seq);
        }

        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Seoul, 10, cursor));
        cursor.Rewind();
        Assert.Equal(["o-1", "o-2", "pr-1"], (await Store.PendingForPeerAsync(KnownRegions.Seoul, 10, cursor)).Select(r => r.Item.State.Id));
    }

    [SkippableFact]
    public async Task The_pending_span_bounds_the_backlog_from_above_and_is_zero_when_nothing_waits()
    {
        Assert.Equal(0, await Store.PendingSpanAsync(KnownRegions.Seoul));
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await CommittedAsync(Insert(EntityType.Profile, id));
        }

        var rows = await Store.PendingForPeerAsync(KnownRegions.Seoul, 10);
        Assert.Equal(4, await Store.PendingSpanAsync(KnownRegions.Seoul));

        // Acked out of order: b is still pending, so the span runs from b to d though only b and d wait.
        await Store.AckAsync(KnownRegions.Seoul, [rows[0].Seq, rows[2].Seq]);
        Assert.Equal(rows[3].Seq - rows[1].Seq + 1, await Store.PendingSpanAsync(KnownRegions.Seoul));
        Assert.Equal(2, (await Store.BacklogAsync(KnownRegions.Seoul)).Rows);

        await Store.AckAsync(KnownRegions.Seoul, [rows[1].Seq, rows[3].Seq]);
        Assert.Equal(0, await Store.PendingSpanAsync(KnownRegions.Seoul));
        Assert.Equal(4, await Store.PendingSpanAsync(KnownRegions.Nyc));
    }

    [SkippableFact]
    public async Task Acked_rows_leave_the_outbox_once_every_peer_has_them()
    {
        await CommittedAsync(Insert(EntityType.Trade, "t-1"));
        var seq = (await Store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Single().Seq;

        await Store.AckAsync(KnownRegions.Seoul, [seq]);
        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Seoul, 10));
        Assert.Equal(1, (await Store.BacklogAsync(KnownRegions.Nyc)).Rows);

        await Store.AckAsync(KnownRegions.Nyc, [seq]);
        Assert.Equal(0, (await Store.BacklogAsync(KnownRegions.Nyc)).Rows);
    }

    [SkippableFact]
    public async Task Rows_in_flight_are_skipped_and_acked_rows_move_the_watermark_to_the_last_seq()
    {
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CommittedAsync(Insert(EntityType.Profile, id));
        }

        var all = await Store.PendingForPeerAsync(KnownRegions.Seoul, 10);
        var taken = new OutboxCursor();
        taken.Took(all[0].Priority, all[0].Seq);
        taken.Took(all[1].Priority, all[1].Seq);
        var rest = await Store.PendingForPeerAsync(KnownRegions.Seoul, 10, taken);
        Assert.Equal([all[2].Seq], rest.Select(r => r.Seq));

        await Store.AckAsync(KnownRegions.Seoul, all.Select(r => r.Seq).ToList());
        await Store.AckAsync(KnownRegions.Nyc, all.Select(r => r.Seq).ToList());

        var backlog = await Store.BacklogAsync(KnownRegions.Seoul);
        Assert.Equal((0, 0, all[2].Seq), (backlog.Rows, backlog.Bytes, backlog.LastSeq));
        Assert.Equal(all[2].Seq, (await Store.PeerStateAsync(KnownRegions.Seoul)).Watermark);
        Assert.Empty(await Store.QueueAsync(null, 0, 10)); // every peer has them: pruned
    }

    [SkippableFact]
    public async Task The_watermark_stops_just_below_the_oldest_row_the_peer_has_not_acked()
    {
        var committedAt = new List<long>();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CommittedAsync(Insert(EntityType.Profile, id));
            committedAt.Add(NowMs);
            Clock.Now += TimeSpan.FromSeconds(1);
        }

        var rows = await Store.PendingForPeerAsync(KnownRegions.Seoul, 10);
        await Store.AckAsync(KnownRegions.Seoul, [rows[0].Seq, rows[2].Seq]); // b is lost on the way

        Assert.Equal(new PeerState(KnownRegions.Seoul, rows[1].Seq - 1, NowMs, false, 0, 0), await Store.PeerStateAsync(KnownRegions.Seoul));
        Assert.Equal(new Backlog(1, rows[1].Bytes, committedAt[1], rows[2].Seq), await Store.BacklogAsync(KnownRegions.Seoul));
        Assert.Equal(new Backlog(3, rows.Sum(r => (long)r.Bytes), committedAt[0], rows[2].Seq), await Store.BacklogAsync(KnownRegions.Nyc));
        Assert.Equal(new PeerState(KnownRegions.Nyc, 0, null, false, 0, 0), await Store.PeerStateAsync(KnownRegions.Nyc));
    }

    [SkippableFact]
    public async Task The_queue_lists_rows_after_a_seq_in_seq_order_for_every_peer_or_for_one()
    {
        await CommittedAsync(Insert(EntityType.PredictionHistory, "ph-1"));
        await CommittedAsync(Insert(EntityType.Order, "o-1"));
        await CommittedAsync(Insert(EntityType.Profile, "pr-1"));
        var all = await Store.QueueAsync(null, 0, 10);
        await Store.AckAsync(KnownRegions.Seoul, [all[0].Seq]);

        Assert.Equal(["ph-1", "o-1", "pr-1"], all.Select(r => r.Item.State.Id)); // seq order, not priority order
        Assert.Equal(all, await Store.QueueAsync(null, 0, 10));
        Assert.Equal(all.Skip(1), await Store.QueueAsync(KnownRegions.Seoul, 0, 10));
        Assert.Equal(all, await Store.QueueAsync(KnownRegions.Nyc, 0, 10));
        Assert.Equal(all.Skip(1), await Store.QueueAsync(null, all[0].Seq, 10));
        Assert.Equal(all.Take(2), await Store.QueueAsync(KnownRegions.Nyc, 0, 2));
    }

    [SkippableFact]
    public async Task Releasing_a_backlog_keeps_rows_other_peers_still_need_and_flags_the_peer()
    {
        await CommittedAsync(Insert(EntityType.Profile, "a"));
        await CommittedAsync(Insert(EntityType.Profile, "b"));
        var seqs = (await Store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Select(r => r.Seq).ToList();
        await Store.AckAsync(KnownRegions.Seoul, [seqs[0]]);

        Assert.Equal(2, await Store.ReleaseBacklogAsync(KnownRegions.Nyc));

        Assert.True((await Store.PeerStateAsync(KnownRegions.Nyc)).NeedsSnapshot);
        Assert.Equal([seqs[1]], (await Store.QueueAsync(null, 0, 10)).Select(r => r.Seq)); // seoul still needs b
        await Store.ClearNeedsSnapshotAsync(KnownRegions.Nyc);
        Assert.False((await Store.PeerStateAsync(KnownRegions.Nyc)).NeedsSnapshot);
    }

    [SkippableFact]
    public async Task A_released_peer_keeps_its_watermark_and_still_gets_the_rows_of_later_writes()
    {
        await CommittedAsync(Insert(EntityType.Profile, "a"));
        await Store.AckAsync(KnownRegions.Nyc, await PendingSeqsAsync(KnownRegions.Nyc));
        var watermark = (await Store.PeerStateAsync(KnownRegions.Nyc)).Watermark;
        await CommittedAsync(Insert(EntityType.Profile, "b"));

        Assert.Equal(1, await Store.ReleaseBacklogAsync(KnownRegions.Nyc));
        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Nyc, 10));
        Assert.Equal(0, await Store.ReleaseBacklogAsync(KnownRegions.Nyc));

        await CommittedAsync(Insert(EntityType.Profile, "c"));
        Assert.Equal(["c"], (await Store.PendingForPeerAsync(KnownRegions.Nyc, 10)).Select(r => r.Item.State.Id));
        Assert.Equal(3, (await Store.BacklogAsync(KnownRegions.Seoul)).Rows); // seoul's rows are untouched
        var nyc = await Store.PeerStateAsync(KnownRegions.Nyc);
        Assert.Equal((watermark, true), (nyc.Watermark, nyc.NeedsSnapshot));
    }

    [SkippableFact]
    public async Task A_new_store_has_both_peers_at_watermark_zero_with_nothing_queued_acked_or_applied()
    {
        foreach (var peer in KnownRegions.PeersOf(KnownRegions.Osaka))
        {
            Assert.Equal(new PeerState(peer, 0, null, false, 0, 0), await Store.PeerStateAsync(peer));
            Assert.Equal(new Backlog(0, 0, null, 0), await Store.BacklogAsync(peer));
        }

        Assert.Equal(new PeerState(KnownRegions.Osaka, 0, null, false, 0, 0), await Store.PeerStateAsync(KnownRegions.Osaka)); // no peer of itself
    }

    [SkippableFact]
    public async Task A_malformed_region_name_is_refused_as_a_peer_and_a_region_that_is_not_one_has_nothing_queued()
    {
        const string malformed = "Mars!";
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PendingForPeerAsync(malformed, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AckAsync(malformed, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.BacklogAsync(malformed));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueueAsync(malformed, 0, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PeerStateAsync(malformed));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReleaseBacklogAsync(malformed));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClearNeedsSnapshotAsync(malformed));

        // Who the peers are is the membership's say (RegionalStoreContract.Membership); nothing is queued for any other region.
        await CommittedAsync(Insert(EntityType.Trade, "t-1"));
        Assert.Empty(await Store.PendingForPeerAsync("mars", 10));
        Assert.Equal(0, (await Store.BacklogAsync("mars")).Rows);
    }
}
