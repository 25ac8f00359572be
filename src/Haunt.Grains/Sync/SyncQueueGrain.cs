using Haunt.Grains.Placement;
using Haunt.Grains.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Haunt.Grains.Sync;

/// <summary>
/// Hosts one region's <see cref="SyncEngine"/> (key = region, placed on one of that region's silos, and
/// activated again on another when that silo dies: by the next wake-up, stream message or reminder). Orleans gives it
/// what the engine needs: one-at-a-time turns, the stream keyed by its region (implicit subscription), grain
/// timers for the 100 ms flush, heartbeat and 10 s metrics loops, and reminders for keep-alive and the
/// 5-minute reconciliation (reminders cannot tick faster than a minute).
/// </summary>
[RegionPlacement, ImplicitStreamSubscription(HauntNames.SyncStreamNamespace)]
public sealed class SyncQueueGrain(
    SiloRegion silo,
    IRegionalStore store,
    IReplicationLink link,
    BatchCodec codec,
    ReplicaNotifier notifier,
    SyncMetrics metrics,
    HybridLogicalClock clock,
    SyncStatusPublisher status,
    IOptions<SyncOptions> options,
    ILogger<SyncQueueGrain> log) : Grain, ISyncQueueGrain, IStreamSubscriptionObserver, IRemindable
{
    private SyncEngine _engine = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (this.GetPrimaryKeyString() != silo.Name)
        {
            throw new InvalidOperationException($"The sync loop of region '{this.GetPrimaryKeyString()}' activated on a silo of region '{silo.Name}'.");
        }

        _engine = new SyncEngine(silo, store, link, codec, metrics, clock, options.Value, log, Random.Shared,
            states => notifier.NotifyAsync(states));
        await _engine.OpenMembershipAsync();
        Timer(_engine.FlushAllAsync, options.Value.FlushInterval);
        Timer(_engine.HeartbeatAsync, options.Value.HeartbeatInterval);
        Timer(_engine.RecordMetricsAsync, options.Value.MetricsInterval);
        // The status operators and peers read is computed here on a clock of its own and published to every silo:
        // a reader never queues behind this actor, and a thousand readers cost what one does.
        Timer(PublishStatusAsync, options.Value.StatusInterval);
        await this.RegisterOrUpdateReminder(HauntNames.KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var reconcileEvery = options.Value.ReconcileInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.ReconcileInterval;
        await this.RegisterOrUpdateReminder(HauntNames.ReconcileReminder, reconcileEvery, reconcileEvery);
    }

    public Task StartAsync() => _engine.FlushAllAsync();

    public Task WakeAsync() => _engine.FlushAllAsync();

    public Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default) => _engine.GetStatusAsync(cancellationToken);

    public async Task<ReconcileStarted> ReconcileAsync()
    {
        var (round, coalesced) = await _engine.StartRequestedRoundAsync();
        return new ReconcileStarted(_engine.Region, round, [.. _engine.Peers], coalesced);
    }

    public Task<MembershipAnswer> ProposeAddRegionAsync(string region, string[] gateways) => _engine.ProposeAddAsync(region, gateways);

    public Task<MembershipAnswer> ProposeRemoveRegionAsync(string region, string? successor) => _engine.ProposeLeaveAsync(region, successor);

    public Task<MembershipStatus> GetMembershipAsync() => Task.FromResult(_engine.MembershipStatus());

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == HauntNames.ReconcileReminder ? _engine.StartRoundAsync() : Task.CompletedTask;

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<SyncMessage>().ResumeAsync((message, _) => _engine.OnMessageAsync(message));

    private Task PublishStatusAsync()
    {
        status.Publish(_engine.LinkStatus());
        return Task.CompletedTask;
    }

    private void Timer(Func<Task> tick, TimeSpan period) =>
        this.RegisterGrainTimer(_ => tick(), new GrainTimerCreationOptions { DueTime = period, Period = period, KeepAlive = true });
}
