using Orleans.Runtime.Services;

namespace Haunt.Grains.Sync;

/// <summary>Addresses the <see cref="SyncStatusService"/> of a given silo.</summary>
public sealed class SyncStatusClient(IServiceProvider services) : GrainServiceClient<ISyncStatusService>(services), ISyncStatusClient
{
    public ISyncStatusService On(SiloAddress silo) => GetGrainService(silo);
}
