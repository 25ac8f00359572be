using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Trade; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class TradeGrain(ReplicaServices services) : ReplicatedEntityGrain<Trade>(services), ITradeGrain;
