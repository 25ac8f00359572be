using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated InsuranceFund; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class InsuranceFundGrain(ReplicaServices services) : ReplicatedEntityGrain<InsuranceFund>(services), IInsuranceFundGrain;
