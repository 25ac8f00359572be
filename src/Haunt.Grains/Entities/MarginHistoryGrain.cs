using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated MarginHistory; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class MarginHistoryGrain(ReplicaServices services) : ReplicatedEntityGrain<MarginHistory>(services), IMarginHistoryGrain;
