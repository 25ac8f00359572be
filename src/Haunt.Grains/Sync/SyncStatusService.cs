using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;

namespace Haunt.Grains.Sync;

/// <summary>The silo's end of the status publication (a grain service, so that it can be addressed by silo).</summary>
public sealed class SyncStatusService(GrainId id, Silo silo, ILoggerFactory loggers, SyncStatusBoard board)
    : GrainService(id, silo, loggers), ISyncStatusService
{
    public Task PublishAsync(SyncStatus status)
    {
        board.Publish(status);
        return Task.CompletedTask;
    }
}
