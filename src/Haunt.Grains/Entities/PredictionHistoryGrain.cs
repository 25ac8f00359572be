using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated PredictionHistory; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class PredictionHistoryGrain(ReplicaServices services) : ReplicatedEntityGrain<PredictionHistory>(services), IPredictionHistoryGrain;
