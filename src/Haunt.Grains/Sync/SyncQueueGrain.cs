using Haunt.Grains.Placement;
using Haunt.Grains.Reconciliation;
using Haunt.Grains.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Haunt.Grains.Sync;

/// <summary>
/// The sync engine of one region (key = region, placed on that region's silo). Its parts:
/// Send (outbox → peers, acks, resends, backlog bound), Receive (verify, apply, ack), Reconcile
/// (anti-entropy) and Metrics. Messages arrive through an implicit subscription to the stream keyed by
/// its region; the loops are grain timers, the keep-alive and 5-minute reconciliation are reminders.
/// </summary>
[RegionPlacement, ImplicitStreamSubscription(HauntNames.SyncStreamNamespace)]
public sealed partial class SyncQueueGrain(
    IRegionalStore store,
    IReplicationLink link,
    BatchCodec codec,
    ReplicaNotifier notifier,
    SyncMetrics metrics,
    OutboxWakeup wakeup,
    HybridLogicalClock clock,
    Reconciler reconciler,
    IOptions<SyncOptions> options,
    ILogger<SyncQueueGrain> log) : Grain, ISyncQueueGrain, IStreamSubscriptionObserver, IRemindable
{
    private readonly Dictionary<string, PeerLink> _peers = [];

    private string Region => this.GetPrimaryKeyString();

    private SyncOptions Options => options.Value;

    private DateTimeOffset Now => clock.Time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var peer in Haunt.Regions.Region.PeersOf(Region))
        {
            _peers[peer] = new PeerLink(peer, Options);
        }

        // Batch ids only need to differ from those of an earlier activation still in flight.
        _nextBatchId = Now.ToUnixTimeMilliseconds() << 16;
        Timer(FlushAllAsync, Options.FlushInterval);
        Timer(HeartbeatAsync, Options.HeartbeatInterval);
        Timer(RecordMetricsAsync, Options.MetricsInterval);
        await this.RegisterOrUpdateReminder(HauntNames.KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var reconcileEvery = Options.ReconcileInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : Options.ReconcileInterval;
        await this.RegisterOrUpdateReminder(HauntNames.ReconcileReminder, reconcileEvery, reconcileEvery);
        wakeup.Enabled = true;
    }

    public Task StartAsync() => FlushAllAsync();

    public Task WakeAsync() => FlushAllAsync();

    public Task FlushAsync() => FlushAllAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == HauntNames.ReconcileReminder ? StartRoundAsync() : Task.CompletedTask;

    public async Task<SyncStatus> GetStatusAsync()
    {
        var peers = new List<PeerStatus>();
        foreach (var peer in _peers.Values)
        {
            var backlog = await store.BacklogAsync(peer.Peer);
            var state = await store.PeerStateAsync(peer.Peer);
            var oldest = backlog.OldestCommittedAtMs is { } ms ? Math.Max(0, Now.ToUnixTimeMilliseconds() - ms) : 0;
            peers.Add(new PeerStatus(peer.Peer, peer.State, backlog.Rows, backlog.Bytes, oldest, peer.LastAckAt, peer.ChangesSent,
                peer.Attempts, state.Watermark, state.NeedsSnapshot));
        }

        return new SyncStatus(Region, peers, metrics.ChangesApplied, metrics.BatchesRejected, metrics.LagPercentile(50), metrics.LagPercentile(99));
    }

    public async Task<DigestReport> GetDigestAsync()
    {
        var digest = await store.DigestAsync();
        return new DigestReport(Region, digest.Overall, digest.Entities, digest.PerType.ToDictionary(p => p.Key.ToString(), p => p.Value));
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<SyncMessage>().ResumeAsync((message, _) => OnMessageAsync(message));

    private Task OnMessageAsync(SyncMessage message)
    {
        if (message.To != Region || !Haunt.Regions.Region.IsKnown(message.From) || message.From == Region)
        {
            Interlocked.Increment(ref metrics.BatchesRejected);
            log.LogWarning("Dropped a {Kind} routed {From}->{To} at {Region}", message.GetType().Name, message.From, message.To, Region);
            return Task.CompletedTask;
        }

        return message switch
        {
            ChangeBatch batch => ReceiveBatchAsync(batch),
            BatchAck ack => OnAckAsync(ack),
            BatchReject reject => OnRejectAsync(reject),
            Heartbeat heartbeat => OnHeartbeatAsync(heartbeat),
            DigestRequest request => OnDigestRequestAsync(request),
            DigestResponse response => OnDigestResponseAsync(response),
            RepairRequest request => OnRepairRequestAsync(request),
            RepairResponse response => OnRepairResponseAsync(response),
            SnapshotRequest request => OnSnapshotRequestAsync(request),
            ConflictNotice notice => OnConflictNoticeAsync(notice),
            _ => Task.CompletedTask,
        };
    }

    private void Timer(Func<Task> tick, TimeSpan period) =>
        this.RegisterGrainTimer(_ => tick(), new GrainTimerCreationOptions { DueTime = period, Period = period, KeepAlive = true });
}
