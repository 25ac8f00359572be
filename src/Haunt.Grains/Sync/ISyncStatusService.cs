using Orleans.Services;

namespace Haunt.Grains.Sync;

/// <summary>One per silo: takes the status the region's sync loop publishes onto this silo's <see cref="SyncStatusBoard"/>.</summary>
public interface ISyncStatusService : IGrainService
{
    [OneWay]
    Task PublishAsync(SyncStatus status);
}
