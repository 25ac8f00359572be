using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// A region added to a running deployment (issue 21, items 5 and 7), with the product's sync engines over the
/// simulated network: the change agreed by every region, one at a time; the newcomer admitted only then, caught up from
/// a donor and by repair against all before it serves; a region cut off during the change learning it on heal.
/// </summary>
public sealed class MembershipTests(ITestOutputHelper output)
{
    private const string Newcomer = "frankfurt";

    [Fact]
    public void A_region_added_under_writes_is_admitted_by_all_catches_up_and_only_then_serves()
    {
        using var cluster = new SimulatedCluster(21);
        // One writer: no two writes are concurrent, so any conflict row would be the join's doing.
        cluster.Writers = [KnownRegions.Osaka];
        cluster.Steps(300, faults: false);
        cluster.StartJoining(Newcomer);
        cluster.Steps(100, faults: false);

        // Not a member yet: the others drop what it sends, send it nothing, and it serves nothing.
        Assert.Equal(0, cluster.MembershipOf(Newcomer).Current.Version);
        Assert.False(cluster.MembershipOf(Newcomer).Serving);
        Assert.Equal(0, cluster.Entities(Newcomer));
        Assert.True(cluster.MetricsOf(KnownRegions.Osaka).BatchesRejected > 0, "osaka dropped the newcomer's heartbeats");

        var answer = cluster.ProposeAdd(KnownRegions.Osaka, Newcomer);
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        Assert.Equal(["osaka", "seoul", "nyc", Newcomer], answer.Membership!.Regions);

        var joined = cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Serving, 20_000);
        Assert.True(joined, $"{Newcomer} never served: {cluster.MembershipOf(Newcomer)}");
        var result = cluster.Finish(periodicRounds: false);

        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.All(cluster.Running, r => Assert.Equal(2, cluster.MembershipOf(r).Current.Version));
        Assert.Equal(cluster.Entities(KnownRegions.Osaka), cluster.Entities(Newcomer));
        Assert.Equal(0, result.Conflicts);
        output.WriteLine($"{cluster.Entities(Newcomer)} entities; {result}");
    }

    [Fact]
    public void A_region_that_is_not_yet_serving_holds_everything_it_had_at_the_moment_it_serves()
    {
        // Checked at the first step the newcomer serves, before any further traffic: it never answers with less than the
        // donor held when its join began.
        using var cluster = new SimulatedCluster(5);
        cluster.Writers = [KnownRegions.Seoul];
        cluster.AddProfiles(KnownRegions.Seoul, 2_000);
        cluster.Steps(200, faults: false);
        cluster.StartJoining(Newcomer);
        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeAdd(KnownRegions.Seoul, Newcomer).Outcome);
        var before = cluster.Entities(KnownRegions.Seoul);

        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Serving, 20_000));

        Assert.True(cluster.Entities(Newcomer) >= before, $"{Newcomer} served holding {cluster.Entities(Newcomer)} of the {before} entities seoul held");
        Assert.True(cluster.Finish(periodicRounds: false).Violations.Count == 0);
    }

    [Fact]
    public void A_second_change_while_one_is_in_progress_is_refused_naming_it_and_an_unanswered_one_is_given_up()
    {
        using var cluster = new SimulatedCluster(3);
        cluster.Steps(100, faults: false);
        cluster.StartJoining(Newcomer);
        cluster.Network.Isolate(KnownRegions.Nyc); // nyc's vote cannot come

        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeAdd(KnownRegions.Osaka, Newcomer).Outcome);
        cluster.Steps(50, faults: false);

        var again = cluster.ProposeAdd(KnownRegions.Osaka, "berlin");
        Assert.Equal(MembershipOutcome.InProgress, again.Outcome);
        Assert.Contains($"add {Newcomer}", again.Problem, StringComparison.Ordinal);
        // seoul accepted osaka's proposal: it promised not to take another.
        var elsewhere = cluster.ProposeAdd(KnownRegions.Seoul, "berlin");
        Assert.Equal(MembershipOutcome.InProgress, elsewhere.Outcome);
        Assert.Contains("proposed by osaka", elsewhere.Problem, StringComparison.Ordinal);
        Assert.Equal(MembershipOutcome.Invalid, cluster.ProposeAdd(KnownRegions.Nyc, KnownRegions.Seoul).Outcome);

        // Without nyc's vote the change is never adopted, anywhere; after the timeout it is given up.
        cluster.RunUntil(() => false, 3_000);
        Assert.All(cluster.Running.Where(r => r != Newcomer), r => Assert.Equal(1, cluster.MembershipOf(r).Current.Version));
        Assert.Contains("given up", cluster.MembershipOf(KnownRegions.Osaka).LastOutcome, StringComparison.Ordinal);
        Assert.Contains(KnownRegions.Nyc, cluster.MembershipOf(KnownRegions.Osaka).LastOutcome, StringComparison.Ordinal);
        Assert.Null(cluster.MembershipOf(KnownRegions.Osaka).InProgress);
    }

    [Fact]
    public void A_region_cut_off_as_the_change_is_committed_learns_it_when_the_link_heals()
    {
        using var cluster = new SimulatedCluster(8);
        cluster.Steps(200, faults: false);
        cluster.StartJoining(Newcomer);
        // nyc votes, then is cut off before the commit reaches it.
        cluster.Network.DropOnce(m => m is MembershipCommit && m.To == KnownRegions.Nyc);
        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeAdd(KnownRegions.Osaka, Newcomer).Outcome);
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(KnownRegions.Osaka).Current.Version == 2, 2_000));
        cluster.Network.Isolate(KnownRegions.Nyc);
        cluster.Steps(500, faults: false);

        Assert.Equal(1, cluster.MembershipOf(KnownRegions.Nyc).Current.Version);
        // The newcomer cannot finish its repair against nyc while nyc does not know it.
        Assert.False(cluster.MembershipOf(Newcomer).Serving);

        var result = cluster.Finish(periodicRounds: false);

        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.Equal(2, cluster.MembershipOf(KnownRegions.Nyc).Current.Version);
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Serving, 5_000));
    }

    [Fact]
    public void A_donor_that_stops_answering_mid_snapshot_is_replaced_by_another_region()
    {
        var options = SimulatedCluster.DefaultOptions();
        options.RepairStatesPerRound = 5_000;
        using var cluster = new SimulatedCluster(13, options);
        cluster.Writers = [KnownRegions.Osaka];
        // More profiles than one round ships (RepairStatesPerRound): the snapshot takes several rounds.
        cluster.AddProfiles(KnownRegions.Osaka, 20_000);
        cluster.Finish(periodicRounds: true);
        cluster.StartJoining(Newcomer);
        Assert.Equal(MembershipOutcome.Proposed, cluster.ProposeAdd(KnownRegions.Osaka, Newcomer).Outcome);
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Join is { Phase: "snapshot", RoundsDone: >= 1 }, 5_000));

        cluster.Network.Isolate(KnownRegions.Osaka);
        // Snapshot from another donor, then repaired against every region that answers: only the silent one is left.
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Join is { Phase: "repair", PeersLeft: [KnownRegions.Osaka] }, 20_000),
            $"the snapshot and the repairs did not complete without the lost donor: {cluster.MembershipOf(Newcomer).Join}");
        Assert.NotEqual(KnownRegions.Osaka, cluster.MembershipOf(Newcomer).Join!.Donor);
        Assert.False(cluster.MembershipOf(Newcomer).Serving); // osaka is still to be repaired against

        var result = cluster.Finish(periodicRounds: false);
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.True(cluster.RunUntil(() => cluster.MembershipOf(Newcomer).Serving, 5_000));
        Assert.Equal(cluster.Entities(KnownRegions.Osaka), cluster.Entities(Newcomer));
    }
}
