using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// A region removed from a running deployment (issue 21, item 6), with the product's sync engines over the simulated
/// network: it leaves (agreed by all), hands its strong entities to its successor, drains its outbox, and only then
/// is removed (on its own proposal); nothing it acknowledged is lost, and the others stop queueing for it.
/// </summary>
public sealed class LeaveTests(ITestOutputHelper output)
{
    private static readonly EntityType[] s_strong = [.. EntityTypes.All.Where(t => t.Consistency == Consistency.Strong).Select(t => t.Type)];

    [Fact]
    public void A_region_removed_under_writes_hands_its_strong_entities_over_drains_and_is_dropped_by_all()
    {
        using var cluster = new SimulatedCluster(61);
        cluster.Steps(400, faults: false);
        Assert.True(HomedIn(cluster, KnownRegions.Seoul, KnownRegions.Nyc) > 0, "the workload homed no strong entity in nyc");

        // From now on a third of what crosses nyc's links is lost and the rest arrives out of order: what it wrote,
        // hands over and drains must be resent until acked before it may be removed. A leave whose votes were lost is
        // given up, and asked again.
        foreach (var peer in new[] { KnownRegions.Osaka, KnownRegions.Seoul })
        {
            var lossy = new LinkFault { DropRate = 0.3, MinDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(400) };
            cluster.Network.Set(KnownRegions.Nyc, peer, lossy);
            cluster.Network.Set(peer, KnownRegions.Nyc, lossy);
        }

        for (var attempt = 0; cluster.MembershipOf(KnownRegions.Seoul).Current.Version < 2; attempt++)
        {
            Assert.True(attempt < 20, "the leave was never agreed");
            var answer = cluster.ProposeLeave(KnownRegions.Seoul, KnownRegions.Nyc);
            if (answer.Outcome == MembershipOutcome.Proposed)
            {
                Assert.Equal($"leave {KnownRegions.Nyc} to {KnownRegions.Osaka}", answer.Membership!.Change);
            }

            cluster.RunUntil(() => cluster.MembershipOf(KnownRegions.Seoul).InProgress is null, 5_000);
        }

        // Writes go on everywhere (nyc refuses its own) while nyc re-homes and drains, until all hold the removal.
        var removed = cluster.RunUntil(() => cluster.Running.All(r => !cluster.MembershipOf(r).Current.Includes(KnownRegions.Nyc)), 20_000);
        Assert.True(removed, $"nyc was never removed: {string.Join("; ", cluster.Running.Select(r => $"{r}: {cluster.MembershipOf(r)}"))}");
        Assert.False(cluster.MembershipOf(KnownRegions.Nyc).Serving);
        Assert.Empty(cluster.StoreOf(KnownRegions.Nyc).Peers);
        Assert.Equal(["osaka", "seoul"], cluster.MembershipOf(KnownRegions.Osaka).Current.Regions);
        Assert.Equal(KnownRegions.Osaka, cluster.MembershipOf(KnownRegions.Seoul).Current.HomeOf(KnownRegions.Nyc));

        var lastWritesOfNyc = cluster.StoreOf(KnownRegions.Nyc).Rows.Values.Count(s => s.ModifiedBy == KnownRegions.Nyc);
        cluster.Retire(KnownRegions.Nyc);
        var result = cluster.Finish(periodicRounds: false);

        // Every write acknowledged anywhere (nyc's too) is in both remaining regions, once; nothing is homed in nyc.
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.All(new[] { KnownRegions.Osaka, KnownRegions.Seoul }, r =>
        {
            Assert.Equal(0, HomedIn(cluster, r, KnownRegions.Nyc));
            Assert.DoesNotContain(KnownRegions.Nyc, cluster.StoreOf(r).Peers);
        });
        Assert.True(lastWritesOfNyc > 0);
        output.WriteLine($"{cluster.Entities(KnownRegions.Osaka)} entities; {result}");
    }

    [Fact]
    public void The_primary_a_non_member_and_a_second_change_while_a_region_leaves_are_refused()
    {
        using var cluster = new SimulatedCluster(4);
        cluster.Steps(100, faults: false);

        Assert.Equal(MembershipOutcome.Invalid, cluster.ProposeLeave(KnownRegions.Seoul, KnownRegions.Osaka).Outcome);
        Assert.Equal(MembershipOutcome.Invalid, cluster.ProposeLeave(KnownRegions.Seoul, "berlin").Outcome);
        Assert.Equal(MembershipOutcome.Invalid, cluster.ProposeLeave(KnownRegions.Seoul, KnownRegions.Nyc, successor: KnownRegions.Nyc).Outcome);

        // nyc cut off: the leave is agreed by nobody until it answers, and meanwhile nothing else may change.
        cluster.Network.Isolate(KnownRegions.Nyc);
        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeLeave(KnownRegions.Seoul, KnownRegions.Nyc, successor: KnownRegions.Seoul).Outcome);
        cluster.Steps(30, faults: false);
        var second = cluster.ProposeAdd(KnownRegions.Osaka, "berlin");
        Assert.Equal(MembershipOutcome.InProgress, second.Outcome);
        Assert.Contains($"leave {KnownRegions.Nyc}", second.Problem, StringComparison.Ordinal);

        // Unanswered, the change is given up, never half-adopted; asked again once healed, nyc leaves to seoul, and
        // no region can be added while one is leaving.
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(KnownRegions.Seoul).LastOutcome?.Contains("given up", StringComparison.Ordinal) == true, 20_000));
        Assert.All(cluster.Running, r => Assert.False(cluster.MembershipOf(r).Current.IsLeaving(KnownRegions.Nyc)));
        cluster.Network.HealAll();
        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeLeave(KnownRegions.Seoul, KnownRegions.Nyc, successor: KnownRegions.Seoul).Outcome);
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(KnownRegions.Osaka).Current.IsLeaving(KnownRegions.Nyc)
            || !cluster.MembershipOf(KnownRegions.Osaka).Current.Includes(KnownRegions.Nyc), 20_000));
        if (cluster.MembershipOf(KnownRegions.Osaka).Current.IsLeaving(KnownRegions.Nyc))
        {
            Assert.Contains("is leaving", cluster.ProposeAdd(KnownRegions.Osaka, "berlin").Problem ?? "", StringComparison.Ordinal);
        }

        Assert.True(cluster.RunUntil(() => !cluster.MembershipOf(KnownRegions.Osaka).Current.Includes(KnownRegions.Nyc), 20_000));
        Assert.Equal(KnownRegions.Seoul, cluster.MembershipOf(KnownRegions.Osaka).Current.HomeOf(KnownRegions.Nyc));
        cluster.Retire(KnownRegions.Nyc);
        var result = cluster.Finish(periodicRounds: false);
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.Equal(0, HomedIn(cluster, KnownRegions.Osaka, KnownRegions.Nyc));
    }

    private static int HomedIn(SimulatedCluster cluster, string region, string home) =>
        s_strong.Sum(t => cluster.StoreOf(region).Rows.Values.Count(s => s.Type == t && s.HomeRegion == home));
}
