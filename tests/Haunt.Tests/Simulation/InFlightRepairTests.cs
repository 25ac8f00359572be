using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// Routine rounds (periodic, operators') leave out states young enough to be still in flight on the live path
/// (<see cref="SyncOptions.InFlightGrace"/>). Found by bench's operators phase: under live writes every bucket differs
/// by the changes in flight, and a round repaired them a second time exactly when replication was behind. Each test
/// runs its script again with the grace off, to show the grace is what made the difference.
/// </summary>
public sealed class InFlightRepairTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_routine_round_leaves_changes_still_in_the_outbox_to_the_live_path()
    {
        var (shipped, leftOut, differing, result, statesRead) = RoundWhileSeoulsBatchesToOsakaAreLost(Grace);
        output.WriteLine($"grace {Grace}: {differing} differing at the round, {shipped} states repaired into osaka, {leftOut} left in flight");
        Assert.Equal(50, differing);
        Assert.Equal(0, shipped);
        Assert.True(leftOut >= 50, $"the peers counted what they left to the live path ({leftOut})");
        // Left out at the comparison, by the stamps' write times: their states were not read only to be dropped.
        Assert.Equal(0, statesRead);
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));

        var (control, _, _, controlResult, _) = RoundWhileSeoulsBatchesToOsakaAreLost(TimeSpan.Zero);
        output.WriteLine($"grace off: {control} states repaired into osaka");
        Assert.True(control >= 50, $"with the grace off the round repairs the changes in flight ({control})");
        Assert.True(controlResult.Violations.Count == 0, string.Join("; ", controlResult.Violations.Take(5)));
    }

    [Fact]
    public void A_state_the_live_path_lost_is_repaired_by_the_first_routine_round_after_the_grace()
    {
        using var cluster = RestoredBackupInOsaka(Grace, out var id);
        cluster.StartRound(KnownRegions.Osaka);
        var early = cluster.Finish(periodicRounds: false);
        output.WriteLine($"round within the grace: {string.Join("; ", early.Violations.Take(2))}");
        Assert.Equal(1, cluster.DifferingStates(KnownRegions.Osaka, KnownRegions.Seoul));
        Assert.Contains(early.Violations, v => v.Contains("did not converge", StringComparison.Ordinal));

        cluster.Pass(Grace);
        cluster.StartRound(KnownRegions.Osaka);
        var late = cluster.Finish(periodicRounds: false);
        Assert.True(late.Violations.Count == 0, string.Join("; ", late.Violations.Take(5)));
        Assert.Equal("renamed", cluster.ProfileNameIn(KnownRegions.Osaka, id));

        using var control = RestoredBackupInOsaka(TimeSpan.Zero, out _);
        control.StartRound(KnownRegions.Osaka);
        var repaired = control.Finish(periodicRounds: false);
        Assert.True(repaired.Violations.Count == 0, "with the grace off the first round repairs it: " + string.Join("; ", repaired.Violations.Take(5)));
    }

    /// <summary>Seoul renames 50 profiles while its batches to osaka are lost (the outbox keeps them); osaka starts a routine round; then the loss ends.</summary>
    private static (long Shipped, long LeftOut, int Differing, ScheduleResult Result, long StatesRead) RoundWhileSeoulsBatchesToOsakaAreLost(TimeSpan grace)
    {
        var options = SimulatedCluster.DefaultOptions();
        options.InFlightGrace = grace;
        options.MaxBacklogRows = 10_000; // nothing released: a released backlog is a snapshot, which ships everything
        using var cluster = new SimulatedCluster(22, options) { Writers = [] };
        cluster.AddProfiles(KnownRegions.Nyc, 400);
        Assert.Empty(cluster.Finish(periodicRounds: false).Violations);

        cluster.Network.DropAlways(m => m is ChangeBatch { From: KnownRegions.Seoul, To: KnownRegions.Osaka });
        cluster.TouchProfiles(KnownRegions.Seoul, 400, every: 8);
        cluster.Steps(60, faults: false);
        cluster.Network.Captured = [];
        long StatesReadByPeers() => cluster.StoreOf(KnownRegions.Seoul).StatesReadMany + cluster.StoreOf(KnownRegions.Nyc).StatesReadMany;
        var readBefore = StatesReadByPeers();
        cluster.StartRound(KnownRegions.Osaka);
        var differing = cluster.DifferingStates(KnownRegions.Osaka, KnownRegions.Seoul);
        cluster.Steps(60, faults: false);

        var statesRead = StatesReadByPeers() - readBefore;
        var shipped = cluster.Network.Captured.OfType<RepairResponse>().Where(r => r.To == KnownRegions.Osaka).Sum(r => (long)r.States.Count);
        var leftOut = cluster.MetricsOf(KnownRegions.Seoul).RepairsLeftInFlight + cluster.MetricsOf(KnownRegions.Nyc).RepairsLeftInFlight;
        cluster.Network.StopDropping();
        return (shipped, leftOut, differing, cluster.Finish(periodicRounds: false), statesRead);
    }

    /// <summary>Seoul renames a profile, every region applies it, then osaka's row goes back to the version before (a restored backup).</summary>
    private static SimulatedCluster RestoredBackupInOsaka(TimeSpan grace, out string id)
    {
        var options = SimulatedCluster.DefaultOptions();
        options.InFlightGrace = grace;
        var cluster = new SimulatedCluster(23, options) { Writers = [] };
        cluster.AddProfiles(KnownRegions.Nyc, 100);
        Assert.Empty(cluster.Finish(periodicRounds: false).Violations);

        id = "bulk-00007";
        var before = cluster.StoreOf(KnownRegions.Osaka).Rows[(EntityType.Profile, id)];
        cluster.PutProfile(KnownRegions.Seoul, id, "renamed");
        Assert.Empty(cluster.Finish(periodicRounds: false).Violations);
        cluster.StoreOf(KnownRegions.Osaka).Restore(before);
        Assert.Equal(1, cluster.DifferingStates(KnownRegions.Osaka, KnownRegions.Seoul));
        return cluster;
    }
}
