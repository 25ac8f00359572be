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
}
