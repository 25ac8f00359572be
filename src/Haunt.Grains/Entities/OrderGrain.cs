using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Order; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class OrderGrain(ReplicaServices services) : ReplicatedEntityGrain<Order>(services), IOrderGrain;
