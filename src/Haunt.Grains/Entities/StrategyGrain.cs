using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Strategy; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class StrategyGrain(ReplicaServices services) : ReplicatedEntityGrain<Strategy>(services), IStrategyGrain;
