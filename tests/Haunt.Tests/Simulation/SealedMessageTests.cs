using Haunt.Tests.Cluster;

namespace Haunt.Tests.Simulation;

/// <summary>
/// Issue 20, item 3: every sync message is sealed (type, route, content, send time) with the cluster key, and taken
/// once. A forged, altered or replayed control message changes nothing at its receiver and is counted.
/// </summary>
public sealed class SealedMessageTests
{
    private static readonly BatchCodec s_stranger = BatchCodec.For(new SyncOptions
    {
        ClusterKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 3 + 1)).ToArray()),
    });

    /// <summary>A backlog bound no schedule here reaches, so rows stay in the outbox until acked.</summary>
    private static SimulatedCluster Cluster(int seed)
    {
        var options = SimulatedCluster.DefaultOptions();
        options.MaxBacklogRows = 100_000;
        return new SimulatedCluster(seed, options) { Writers = [KnownRegions.Osaka] };
    }

    [Fact]
    public void A_forged_ack_deletes_no_outbox_row_and_the_peer_still_gets_every_change()
    {
        using var cluster = Cluster(31);
        cluster.Network.Captured = [];
        cluster.Network.Set(KnownRegions.Osaka, KnownRegions.Seoul, Haunt.Replication.Links.LinkFault.Severed);
        cluster.Steps(300, faults: false);
        var lost = cluster.Network.Captured.OfType<ChangeBatch>().Where(b => b.From == KnownRegions.Osaka && b.To == KnownRegions.Seoul).ToList();
        var genuine = cluster.Network.Captured.OfType<Heartbeat>().Last(h => h.From == KnownRegions.Seoul && h.To == KnownRegions.Osaka);
        var backlog = cluster.BacklogOf(KnownRegions.Osaka, KnownRegions.Seoul);
        var refused = cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused;
        Assert.NotEmpty(lost);
        Assert.True(backlog > 0);

        foreach (var batch in lost)
        {
            var ack = new BatchAck(KnownRegions.Seoul, KnownRegions.Osaka, batch.BatchId, batch.Count, 0, batch.SentAt);
            cluster.Deliver(ack); // no seal
            cluster.Deliver(s_stranger.Seal(ack, cluster.Now)); // sealed with another deployment's key
            cluster.Deliver(ack with { Seal = genuine.Seal }); // a genuine seal, over other content
        }

        Assert.Equal(backlog, cluster.BacklogOf(KnownRegions.Osaka, KnownRegions.Seoul));
        Assert.Equal(refused + 3 * lost.Count, cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused);
        var result = cluster.Finish(periodicRounds: false);
        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
    }

    [Fact]
    public void A_replayed_ack_is_refused_and_changes_nothing()
    {
        using var cluster = Cluster(32);
        cluster.Network.Captured = [];
        cluster.Steps(300, faults: false);
        var ack = cluster.Network.Captured.OfType<BatchAck>().First(a => a.From == KnownRegions.Seoul && a.To == KnownRegions.Osaka);
        var backlog = cluster.BacklogOf(KnownRegions.Osaka, KnownRegions.Seoul);
        var refused = cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused;

        cluster.Deliver(ack);

        Assert.Equal(refused + 1, cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused);
        Assert.Equal(backlog, cluster.BacklogOf(KnownRegions.Osaka, KnownRegions.Seoul));
    }

    [Fact]
    public void A_forged_repair_request_naming_every_bucket_is_refused_and_ships_nothing()
    {
        using var cluster = Cluster(33);
        cluster.Steps(300, faults: false);
        var buckets = EntityTypes.All.ToDictionary(t => t.Type, _ => Enumerable.Range(0, 16).ToArray());
        var sent = cluster.Network.Sent;
        var refused = cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused;

        cluster.Deliver(new RepairRequest(KnownRegions.Seoul, KnownRegions.Osaka, 1, buckets, 16));
        cluster.Deliver(s_stranger.Seal(new RepairRequest(KnownRegions.Seoul, KnownRegions.Osaka, 2, buckets, 16), cluster.Now));

        Assert.Equal(sent, cluster.Network.Sent); // nothing loaded, nothing shipped
        Assert.Equal(refused + 2, cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused);
    }

    [Fact]
    public void A_forged_or_replayed_heartbeat_does_not_mark_a_dead_peer_alive()
    {
        using var cluster = Cluster(34);
        cluster.Network.Captured = [];
        cluster.Steps(200, faults: false);
        var beforeDeath = cluster.Network.Captured.OfType<Heartbeat>().Last(h => h.From == KnownRegions.Seoul && h.To == KnownRegions.Osaka);
        cluster.Network.Isolate(KnownRegions.Seoul);
        cluster.Steps(200, faults: false);
        var heard = cluster.LastHeard(KnownRegions.Osaka, KnownRegions.Seoul);
        var refused = cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused;

        cluster.Deliver(new Heartbeat(KnownRegions.Seoul, KnownRegions.Osaka, 0, 0));
        cluster.Deliver(s_stranger.Seal(new Heartbeat(KnownRegions.Seoul, KnownRegions.Osaka, 0, 0), cluster.Now));
        cluster.Deliver(beforeDeath);

        Assert.NotNull(heard);
        Assert.Equal(heard, cluster.LastHeard(KnownRegions.Osaka, KnownRegions.Seoul));
        Assert.Equal(refused + 3, cluster.MetricsOf(KnownRegions.Osaka).MessagesRefused);
    }

    [Fact]
    public void Every_message_a_region_sends_but_a_change_batch_is_sealed_and_its_receiver_takes_it()
    {
        using var cluster = new SimulatedCluster(35);
        cluster.Network.Captured = [];

        var result = cluster.Run(400);

        Assert.True(result.Violations.Count == 0, string.Join("; ", result.Violations.Take(5)));
        Assert.All(cluster.Network.Captured.Where(m => m is not ChangeBatch), m => Assert.NotNull(m.Seal));
        Assert.Contains(cluster.Network.Captured, m => m is DigestRequest);
        Assert.Contains(cluster.Network.Captured, m => m is BatchAck);
    }
}
