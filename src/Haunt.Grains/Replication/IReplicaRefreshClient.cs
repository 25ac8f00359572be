using Orleans.Services;

namespace Haunt.Grains.Replication;

/// <summary>Addresses the <see cref="IReplicaRefreshService"/> of a given silo of this region.</summary>
public interface IReplicaRefreshClient : IGrainServiceClient<IReplicaRefreshService>
{
    IReplicaRefreshService On(SiloAddress silo);
}
