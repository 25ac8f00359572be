using Orleans.Services;

namespace Haunt.Grains.Sync;

/// <summary>Addresses the <see cref="ISyncStatusService"/> of a given silo of this region.</summary>
public interface ISyncStatusClient : IGrainServiceClient<ISyncStatusService>
{
    ISyncStatusService On(SiloAddress silo);
}
