using Haunt.Grains.Placement;
using Haunt.Grains.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Haunt.Grains.Sync;

/// <summary>
/// The sync engine of one region. Sends: outbox rows in (priority, seq) order, one batch per peer in
/// flight, the next one as soon as the ack arrives, resends on timeout. Receives (implicit subscription
/// to the stream keyed by its region): verifies, applies the batch in one store transaction, refreshes
/// the active grains it touched, acks.
/// </summary>
[RegionPlacement, ImplicitStreamSubscription(HauntNames.SyncStreamNamespace)]
public sealed class SyncQueueGrain(
    IRegionalStore store,
    IReplicationLink link,
    BatchCodec codec,
    ReplicaNotifier notifier,
    SyncMetrics metrics,
    OutboxWakeup wakeup,
    HybridLogicalClock clock,
    IOptions<SyncOptions> options,
    ILogger<SyncQueueGrain> log) : Grain, ISyncQueueGrain, IStreamSubscriptionObserver, IRemindable
{
    private readonly Dictionary<string, PeerLink> _peers = [];
    private long _nextBatchId;
    private bool _flushing;

    private string Region => this.GetPrimaryKeyString();

    private DateTimeOffset Now => clock.Time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var peer in Haunt.Regions.Region.PeersOf(Region))
        {
            _peers[peer] = new PeerLink(peer, options.Value);
        }

        // Batch ids only need to differ from those of an earlier activation still in flight.
        _nextBatchId = Now.ToUnixTimeMilliseconds() << 16;
        this.RegisterGrainTimer(_ => FlushAllAsync(), new GrainTimerCreationOptions
        {
            DueTime = options.Value.FlushInterval,
            Period = options.Value.FlushInterval,
            KeepAlive = true,
        });
        await this.RegisterOrUpdateReminder(HauntNames.KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        wakeup.Enabled = true;
    }

    public Task StartAsync() => FlushAllAsync();

    public Task WakeAsync() => FlushAllAsync();

    public Task FlushAsync() => FlushAllAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task<SyncStatus> GetStatusAsync()
    {
        var peers = new List<PeerStatus>();
        foreach (var peer in _peers.Values)
        {
            var backlog = await store.BacklogAsync(peer.Peer);
            var oldest = backlog.OldestCommittedAtMs is { } ms ? Math.Max(0, Now.ToUnixTimeMilliseconds() - ms) : 0;
            peers.Add(new PeerStatus(peer.Peer, peer.State, backlog.Rows, backlog.Bytes, oldest, peer.LastAckAt, peer.ChangesSent, peer.Attempts));
        }

        return new SyncStatus(Region, peers, metrics.ChangesApplied, metrics.BatchesRejected, metrics.LagPercentile(50), metrics.LagPercentile(99));
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<SyncMessage>().ResumeAsync((message, _) => OnMessageAsync(message));

    private Task OnMessageAsync(SyncMessage message) => message switch
    {
        ChangeBatch batch => ApplyAsync(batch),
        BatchAck ack => OnAckAsync(ack),
        BatchReject reject => OnRejectAsync(reject),
        _ => Task.CompletedTask,
    };

    private async Task FlushAllAsync()
    {
        if (_flushing)
        {
            return;
        }

        _flushing = true;
        wakeup.Consumed();
        try
        {
            foreach (var peer in _peers.Values)
            {
                await FlushPeerAsync(peer);
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    private async Task FlushPeerAsync(PeerLink peer)
    {
        if (peer.InFlight is not null)
        {
            if (peer.DueForResend(Now) is { } resend)
            {
                await link.SendAsync(resend);
            }

            return;
        }

        var rows = await store.PendingForPeerAsync(peer.Peer, options.Value.BatchSize);
        if (rows.Count == 0)
        {
            return;
        }

        var batch = codec.Encode(Region, peer.Peer, ++_nextBatchId, rows.Select(r => r.Item).ToList());
        peer.Sent(batch, rows.Select(r => r.Seq).ToList(), Now);
        Interlocked.Add(ref metrics.BytesSent, batch.Body.Length);
        Interlocked.Add(ref metrics.PayloadBytesSent, rows.Sum(r => (long)r.Bytes));
        await link.SendAsync(batch);
    }

    private async Task OnAckAsync(BatchAck ack)
    {
        if (!_peers.TryGetValue(ack.From, out var peer) || peer.InFlight?.BatchId != ack.BatchId)
        {
            return; // a duplicate or an ack for a batch of an earlier activation
        }

        var seqs = peer.InFlightSeqs;
        await store.AckAsync(peer.Peer, seqs);
        if (peer.Acked(ack.BatchId, Now))
        {
            Interlocked.Add(ref metrics.ChangesSent, seqs.Count);
        }

        // Keep the pipe full: send the next batch now instead of at the next tick.
        if (!_flushing)
        {
            await FlushPeerAsync(peer);
        }
    }

    private Task OnRejectAsync(BatchReject reject)
    {
        log.LogWarning("{Peer} rejected batch {BatchId} from {Region}: {Reason}", reject.From, reject.BatchId, Region, reject.Reason);
        if (_peers.TryGetValue(reject.From, out var peer))
        {
            peer.Rejected(reject.BatchId, Now);
        }

        return Task.CompletedTask;
    }

    private async Task ApplyAsync(ChangeBatch batch)
    {
        var decoded = codec.Decode(batch, Region);
        if (decoded.Fault != BatchFault.None)
        {
            Interlocked.Increment(ref metrics.BatchesRejected);
            if (decoded.Fault == BatchFault.Forged)
            {
                Interlocked.Increment(ref metrics.BatchesForged);
            }

            log.LogWarning("Rejected batch {BatchId} claiming {From}->{To}: {Fault} ({Reason}); nothing applied",
                batch.BatchId, batch.From, batch.To, decoded.Fault, decoded.Reason);
            if (Haunt.Regions.Region.IsKnown(batch.From) && batch.From != Region)
            {
                await link.SendAsync(new BatchReject(Region, batch.From, batch.BatchId, $"{decoded.Fault}: {decoded.Reason}"));
            }

            return;
        }

        foreach (var item in decoded.Items)
        {
            clock.Observe(item.State.ModifiedAt);
        }

        var result = await store.ApplyRemoteAsync(batch.From, decoded.Items, ConflictResolver.Instance);
        var now = Now.ToUnixTimeMilliseconds();
        var stored = result.Stored.Select(s => (s.Type, s.Id)).ToHashSet();
        foreach (var item in decoded.Items.Where(i => stored.Contains((i.State.Type, i.State.Id))))
        {
            metrics.RecordLag(Math.Max(0, now - item.CommittedAtMs));
        }

        Interlocked.Add(ref metrics.ChangesApplied, result.Stored.Count);
        Interlocked.Add(ref metrics.ChangesIgnored, result.Ignored);
        Interlocked.Add(ref metrics.Conflicts, result.Conflicts.Count);
        await notifier.NotifyAsync(result.Stored);
        await link.SendAsync(new BatchAck(Region, batch.From, batch.BatchId, result.Stored.Count, result.Conflicts.Count));
    }
}
