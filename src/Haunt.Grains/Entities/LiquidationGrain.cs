using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Liquidation; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class LiquidationGrain(ReplicaServices services) : ReplicatedEntityGrain<Liquidation>(services), ILiquidationGrain;
