using Microsoft.Extensions.Hosting;

namespace Haunt.Grains.Sync;

/// <summary>
/// Keeps this silo's <see cref="SiloRegion"/> on the membership its region's store holds. The sync loop adopts a
/// change on its own silo as it agrees or learns it; every other silo of the region (its door, its peer clients, its
/// API) learns it here, within a second, from the store the loop wrote it to first.
/// </summary>
public sealed class MembershipWatcher(SiloRegion region, IRegionalStore store, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await store.MembershipAsync(stoppingToken) is { } stored && stored.Membership.Version > 1)
                {
                    region.Adopt(stored.Membership, stored.Serving);
                }
            }
            catch (InvalidOperationException)
            {
                // The store opens as the silo starts: not yet.
            }
            catch (System.Data.Common.DbException)
            {
                // A store that does not answer now may next time; the membership held stays until then.
            }
        }
    }
}
