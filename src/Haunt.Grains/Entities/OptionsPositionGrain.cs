using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated OptionsPosition; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class OptionsPositionGrain(ReplicaServices services) : ReplicatedEntityGrain<OptionsPosition>(services), IOptionsPositionGrain;
