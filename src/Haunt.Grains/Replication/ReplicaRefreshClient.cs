using Orleans.Runtime.Services;

namespace Haunt.Grains.Replication;

/// <summary>Addresses the <see cref="ReplicaRefreshService"/> of a given silo.</summary>
public sealed class ReplicaRefreshClient(IServiceProvider services) : GrainServiceClient<IReplicaRefreshService>(services), IReplicaRefreshClient
{
    public IReplicaRefreshService On(SiloAddress silo) => GetGrainService(silo);
}
