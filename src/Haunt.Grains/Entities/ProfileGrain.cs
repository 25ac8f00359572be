using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated Profile; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class ProfileGrain(ReplicaServices services) : ReplicatedEntityGrain<Profile>(services), IProfileGrain;
