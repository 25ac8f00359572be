using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Position; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class PositionGrain(ReplicaServices services) : ReplicatedEntityGrain<Position>(services), IPositionGrain;
