using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated PortfolioSnapshot; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class PortfolioSnapshotGrain(ReplicaServices services) : ReplicatedEntityGrain<PortfolioSnapshot>(services), IPortfolioSnapshotGrain;
