using Haunt.Replication.Deltas;
using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// Large updates travel as deltas against the version the peer is expected to hold (issue 22), and a peer that does not
/// hold that version refuses the delta and gets the state whole: the simulation's product engines, scripted writes of
/// strategies (some KB each, a few fields changed per tick). Every test ends with the simulation's end-state checks and
/// with the states compared byte for byte in every region (the digests compare versions only).
/// </summary>
public sealed class DeltaTests(ITestOutputHelper output)
{
    private const string Id = "strategy-a";

    [Fact]
    public void Large_updates_go_as_deltas_and_every_region_ends_with_the_same_bytes()
    {
        using var cluster = Quiet(41);
        for (var tick = 0; tick < 20; tick++)
        {
            cluster.PutStrategy(KnownRegions.Osaka, Id);
            cluster.Steps(20, faults: false);
        }

        Converged(cluster);
        var osaka = cluster.MetricsOf(KnownRegions.Osaka);
        output.WriteLine($"osaka: {osaka.DeltasSent} deltas sent, {osaka.DeltaBytesSaved} state bytes left out; state {PayloadIn(cluster, KnownRegions.Osaka).Length} B");
        foreach (var r in new[] { KnownRegions.Seoul, KnownRegions.Nyc })
        {
            var m = cluster.MetricsOf(r);
            output.WriteLine($"{r}: applied {m.DeltasApplied} refused {m.DeltasRefused} ignored {m.ChangesIgnored} changesApplied {m.ChangesApplied} rejected {m.BatchesRejected}; osaka fallbacks {osaka.DeltaFallbacks} resent {osaka.BatchesResent}");
        }
        Assert.True(osaka.DeltasSent >= 30, $"most of the 19 updates went to both peers as deltas ({osaka.DeltasSent})");
        Assert.True(osaka.DeltaBytesSaved > osaka.DeltasSent * 1000, $"each delta left out most of the state ({osaka.DeltaBytesSaved} bytes)");
        Assert.Equal(osaka.DeltasSent, cluster.MetricsOf(KnownRegions.Seoul).DeltasApplied + cluster.MetricsOf(KnownRegions.Nyc).DeltasApplied);
        Assert.Equal(0, osaka.DeltaFallbacks);
    }

    [Fact]
    public void A_region_that_does_not_hold_the_base_refuses_the_delta_and_gets_the_whole_state()
    {
        using var cluster = Quiet(42);
        cluster.PutStrategy(KnownRegions.Osaka, Id);
        cluster.PutStrategy(KnownRegions.Osaka, Id);
        Converged(cluster);
        var older = cluster.StoreOf(KnownRegions.Seoul).Rows[(EntityType.Strategy, Id)];
        var @base = cluster.PutStrategy(KnownRegions.Osaka, Id);
        Converged(cluster);

        // Seoul's row goes back a version (a restored backup); osaka's next update is a delta from the version after it.
        cluster.StoreOf(KnownRegions.Seoul).Restore(older);
        var next = cluster.PutStrategy(KnownRegions.Osaka, Id);
        Converged(cluster);

        Assert.Equal(next.Payload, PayloadIn(cluster, KnownRegions.Seoul));
        Assert.Equal(1, cluster.MetricsOf(KnownRegions.Seoul).DeltasRefused);
        Assert.Equal(1, cluster.MetricsOf(KnownRegions.Osaka).DeltaFallbacks);
        var (osaka, seoul, nyc) = (cluster.MetricsOf(KnownRegions.Osaka), cluster.MetricsOf(KnownRegions.Seoul), cluster.MetricsOf(KnownRegions.Nyc));
        Assert.Equal(0, nyc.DeltasRefused); // nyc held the base: every delta applied there
        Assert.Equal(osaka.DeltasSent, seoul.DeltasApplied + seoul.DeltasRefused + nyc.DeltasApplied);
        Assert.Equal(0, Wait(cluster.StoreOf(KnownRegions.Seoul).ConflictCountAsync()));

        // What the refusal prevented: the patch applies to the older version too, and makes a state no region wrote.
        var patch = JsonDelta.Between(@base.Payload, next.Payload)!;
        var wrong = JsonDelta.Apply(older.Payload, patch);
        Assert.NotNull(wrong);
        Assert.NotEqual(next.Payload, wrong);
    }

    [Fact]
    public void A_delta_whose_base_a_concurrent_write_replaced_is_refused_and_the_conflict_is_logged_with_both_whole_states()
    {
        using var cluster = Quiet(43);
        cluster.PutStrategy(KnownRegions.Osaka, Id);
        Converged(cluster);

        // Seoul's own update is held back; osaka's update meets it in seoul as a delta from the version both had.
        cluster.Network.DropAlways(m => m is ChangeBatch { From: KnownRegions.Seoul });
        var seouls = cluster.PutStrategy(KnownRegions.Seoul, Id);
        var osakas = cluster.PutStrategy(KnownRegions.Osaka, Id);
        cluster.Steps(100, faults: false);
        Assert.True(cluster.MetricsOf(KnownRegions.Seoul).DeltasRefused >= 1, "seoul held its own version, not the base");
        cluster.Network.StopDropping();
        Converged(cluster);

        var conflict = Assert.Single(Wait(cluster.StoreOf(KnownRegions.Seoul).ConflictsAsync(0, 10)));
        Assert.Equal(seouls.Payload, conflict.LocalPayload);
        Assert.Equal(osakas.Payload, conflict.RemotePayload);
        Assert.True(cluster.MetricsOf(KnownRegions.Osaka).DeltaFallbacks >= 1);
    }

    [Fact]
    public void A_region_of_the_release_before_deltas_refuses_the_batch_and_gets_whole_states_from_then_on()
    {
        using var cluster = Quiet(44);
        cluster.RunReleaseBeforeDeltas(KnownRegions.Nyc);
        for (var tick = 0; tick < 10; tick++)
        {
            cluster.PutStrategy(KnownRegions.Osaka, Id);
            cluster.Steps(20, faults: false);
        }

        Converged(cluster);
        var (osaka, nyc) = (cluster.MetricsOf(KnownRegions.Osaka), cluster.MetricsOf(KnownRegions.Nyc));
        output.WriteLine($"osaka: {osaka.DeltasSent} deltas sent, {osaka.DeltaFallbacks} resent whole; nyc applied {nyc.DeltasApplied}, {nyc.BatchesRejected} batches rejected");
        Assert.Equal(0, nyc.DeltasApplied);
        Assert.Equal(1, osaka.DeltaFallbacks); // one refused batch, then no more deltas to nyc
        Assert.True(cluster.MetricsOf(KnownRegions.Seoul).DeltasApplied >= 8, "seoul, on this release, still gets deltas");
    }

    [Fact]
    public void With_deltas_off_every_change_goes_whole()
    {
        var options = SimulatedCluster.DefaultOptions();
        options.DeltaMinBytes = 0;
        using var cluster = Quiet(45, options);
        for (var tick = 0; tick < 5; tick++)
        {
            cluster.PutStrategy(KnownRegions.Osaka, Id);
            cluster.Steps(20, faults: false);
        }

        Converged(cluster);
        Assert.Equal(0, cluster.MetricsOf(KnownRegions.Osaka).DeltasSent);
    }

    /// <summary>Three regions, no random writes: only what the test scripts.</summary>
    private static SimulatedCluster Quiet(int seed, SyncOptions? options = null) =>
        new(seed, options ?? SimulatedCluster.DefaultOptions(), RegionSet.Default) { Writers = [] };

    /// <summary>Settles the cluster, runs the end-state checks and compares the strategy's bytes in every region.</summary>
    private static void Converged(SimulatedCluster cluster)
    {
        var result = cluster.Finish(periodicRounds: false);
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        var osaka = PayloadIn(cluster, KnownRegions.Osaka);
        Assert.All(cluster.Regions.All, region => Assert.Equal(osaka, PayloadIn(cluster, region)));
    }

    private static string PayloadIn(SimulatedCluster cluster, string region) => cluster.StoreOf(region).Rows[(EntityType.Strategy, Id)].Payload;

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
