using Haunt.Grains.Replication;

namespace Haunt.Grains.Sync;

/// <summary>
/// Turns "the outbox got rows" into one wake-up of the region's SyncQueueGrain, so an idle system
/// replicates in milliseconds instead of waiting for the next tick. Every silo of the region has one, for the
/// writes its own writer commits; at most one wake per silo is in flight. The sync grain re-arms its own silo's
/// at the start of a flush (<see cref="Consumed"/>); another silo's re-arms when its wake returns.
/// </summary>
public sealed class OutboxWakeup
{
    private readonly IGrainFactory _grains;
    private readonly SiloRegion _region;
    private int _pending;

    public OutboxWakeup(IRegionalStore store, IGrainFactory grains, SiloRegion region)
    {
        _grains = grains;
        _region = region;
        store.OutboxAppended += Signal;
    }

    public bool Enabled { get; set; }

    /// <summary>Called by the sync grain when it starts a flush: the next append may wake it again.</summary>
    public void Consumed() => Interlocked.Exchange(ref _pending, 0);

    private void Signal()
    {
        if (Enabled && Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _grains.GetGrain<ISyncQueueGrain>(_region.Name).WakeAsync()
                .ContinueWith(_ => Consumed(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }
}
