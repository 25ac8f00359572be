using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Haunt.Grains.Sync;

/// <summary>
/// Operators' reconcile requests on this silo: the round it last started is answered again (Coalesced) for
/// <see cref="SyncOptions.MinReconcileInterval"/> without a call into the region's sync loop, the replication actor
/// that applies batches and acks, so operators polling reconcile queue nothing behind replication. Concurrent
/// askers wait for one call. The loop coalesces again across the region's silos.
/// </summary>
public sealed class RequestedRounds(Func<Task<ReconcileStarted>> start, Func<TimeSpan> interval, TimeProvider time)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private (ReconcileStarted Round, DateTimeOffset At)? _started;

    /// <summary>For the silo: rounds started by its region's <see cref="ISyncQueueGrain"/>, coalesced for Haunt:Sync:MinReconcileInterval.</summary>
    public static RequestedRounds Of(IServiceProvider services)
    {
        var (grains, region, options) = (services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SiloRegion>(),
            services.GetRequiredService<IOptionsMonitor<SyncOptions>>());
        return new RequestedRounds(() => grains.GetGrain<ISyncQueueGrain>(region.Name).ReconcileAsync(), () => options.CurrentValue.MinReconcileInterval,
            services.GetRequiredService<TimeProvider>());
    }

    /// <summary>A new round, or the one this silo started less than the interval ago (Coalesced).</summary>
    public async Task<ReconcileStarted> StartAsync(CancellationToken cancellationToken = default)
    {
        if (Recent() is { } recent)
        {
            return recent;
        }

        await _one.WaitAsync(cancellationToken);
        try
        {
            if (Recent() is { } started)
            {
                return started;
            }

            var round = await start();
            // Only a round this call started: one the loop coalesced was started earlier, by another silo, at a time not known here.
            _started = round.Coalesced ? null : (round, time.GetUtcNow());
            return round;
        }
        finally
        {
            _one.Release();
        }
    }

    private ReconcileStarted? Recent() =>
        _started is { } last && time.GetUtcNow() - last.At < interval() ? last.Round with { Coalesced = true } : null;
}
