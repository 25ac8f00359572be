using Haunt.Grains.Replication;

namespace Haunt.Grains.Sync;

/// <summary>
/// Turns "the outbox got rows" into a wake-up of the region's SyncQueueGrain, so an idle system replicates in
/// milliseconds instead of waiting for the next tick. Every silo of the region has one, for the writes its own
/// writer commits. At most one wake per silo is in flight (the call returns once the woken flush is done); rows
/// appended meanwhile may have missed that flush's read of the outbox, so they earn exactly one more wake when
/// it returns. Silent until the silo has started its sync loop (<see cref="Enable"/>).
/// </summary>
public sealed class OutboxWakeup
{
    private const int Idle = 0;
    private const int InFlight = 1;
    private const int InFlightAndAppended = 2;
    private readonly Func<Task> _wake;
    private int _state;
    private volatile bool _enabled;

    public OutboxWakeup(IRegionalStore store, IGrainFactory grains, SiloRegion region)
        : this(() => grains.GetGrain<ISyncQueueGrain>(region.Name).WakeAsync()) => store.OutboxAppended += Signal;

    /// <param name="wake">Wakes the sync loop; its task ends when the woken flush has run.</param>
    public OutboxWakeup(Func<Task> wake) => _wake = wake;

    /// <summary>From now on appends wake the sync loop (set once the silo has started it).</summary>
    public void Enable() => _enabled = true;

    /// <summary>Rows were appended to the outbox.</summary>
    public void Signal()
    {
        if (!_enabled)
        {
            return;
        }

        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Idle when Interlocked.CompareExchange(ref _state, InFlight, Idle) == Idle:
                    Send();
                    return;
                case InFlight when Interlocked.CompareExchange(ref _state, InFlightAndAppended, InFlight) == InFlight:
                case InFlightAndAppended:
                    return;
            }
        }
    }

    private void Send() =>
        _wake().ContinueWith(_ => Returned(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private void Returned()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, InFlight) != InFlight)
        {
            // Appended while the wake was in flight: one more, covering every append up to now.
            Volatile.Write(ref _state, InFlight);
            Send();
        }
    }
}
