namespace Haunt.Tests.Storage;

// The agreed membership a store keeps, and the peers its outbox queues for.
public abstract partial class RegionalStoreContract
{
    [SkippableFact]
    public async Task A_new_store_holds_no_membership_and_keeps_the_newest_one_adopted()
    {
        Assert.Null(await Store.MembershipAsync());
        var first = Membership.First(RegionSet.Default);
        var (second, _) = first.Adding("frankfurt");

        await Store.SaveMembershipAsync(first, serving: true);
        Assert.True(first.SameAs((await Store.MembershipAsync())!.Membership));
        await Store.SaveMembershipAsync(second!, serving: false);
        await Store.SaveMembershipAsync(first, serving: true); // late and older: ignored

        var stored = await Store.MembershipAsync();
        Assert.True(second!.SameAs(stored!.Membership), $"holds {stored.Membership}");
        Assert.False(stored.Serving);
        await Store.SaveMembershipAsync(second, serving: true);
        Assert.True((await Store.MembershipAsync())!.Serving);
    }

    [SkippableFact]
    public async Task Every_change_committed_after_a_region_is_admitted_is_queued_for_it_and_none_before()
    {
        await Store.SaveMembershipAsync(Membership.First(RegionSet.Default), serving: true);
        await CommittedAsync(Insert(EntityType.Trade, "before"));
        await Store.SaveMembershipAsync(Membership.First(RegionSet.Default).Adding("frankfurt").Next!, serving: true);
        await CommittedAsync(Insert(EntityType.Trade, "after"));

        Assert.Equal(["after"], (await Store.PendingForPeerAsync("frankfurt", 10)).Select(r => r.Item.State.Id));
        Assert.Equal(["before", "after"], (await Store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Select(r => r.Item.State.Id));
        Assert.Equal(1, (await Store.BacklogAsync("frankfurt")).Rows);
        Assert.Equal(0, (await Store.PeerStateAsync("frankfurt")).Watermark);
    }

    [SkippableFact]
    public async Task A_region_removed_is_queued_for_no_more_and_what_waited_only_for_it_is_freed()
    {
        var three = Membership.First(RegionSet.Default);
        await Store.SaveMembershipAsync(three, serving: true);
        await CommittedAsync(Insert(EntityType.Trade, "before"));
        await Store.AckAsync(KnownRegions.Seoul, await PendingSeqsAsync(KnownRegions.Seoul)); // only nyc still needs it
        var leaving = three.Leaving(KnownRegions.Nyc).Next!;
        await Store.SaveMembershipAsync(leaving, serving: true);
        Assert.Equal(1, (await Store.BacklogAsync(KnownRegions.Nyc)).Rows); // leaving: still drained to

        await Store.SaveMembershipAsync(leaving.Removing(KnownRegions.Nyc).Next!, serving: true);
        await CommittedAsync(Insert(EntityType.Trade, "after"));

        Assert.Equal(0, (await Store.BacklogAsync(KnownRegions.Nyc)).Rows);
        Assert.Empty(await Store.PendingForPeerAsync(KnownRegions.Nyc, 10));
        Assert.Equal(["after"], (await Store.PendingForPeerAsync(KnownRegions.Seoul, 10)).Select(r => r.Item.State.Id));
    }

    [SkippableFact]
    public async Task Rows_homed_in_a_region_are_found_tombstones_too_up_to_the_limit()
    {
        await CommittedAsync(Insert(State(EntityType.Portfolio, "pf-1", V(1, 0, 0))), Insert(State(EntityType.Portfolio, "pf-2", V(1, 0, 0), deleted: true)),
            Insert(State(EntityType.Portfolio, "pf-3", V(1, 0, 0)) with { HomeRegion = KnownRegions.Seoul }));

        var homed = await Store.HomedInAsync(EntityType.Portfolio, [KnownRegions.Osaka], 10);
        Assert.Equal(["pf-1", "pf-2"], homed.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Single(await Store.HomedInAsync(EntityType.Portfolio, [KnownRegions.Osaka], 1));
        Assert.Equal(3, (await Store.HomedInAsync(EntityType.Portfolio, [KnownRegions.Osaka, KnownRegions.Seoul], 10)).Count);
        Assert.Empty(await Store.HomedInAsync(EntityType.Order, [KnownRegions.Osaka], 10));
    }
}
