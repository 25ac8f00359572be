namespace Haunt.Abstractions.Sync;

/// <summary>
/// A region's replication status: per peer, and its apply, lag and delta figures, and its feed's consumer groups; SyncLoopSilo is the silo its sync
/// loop ran on when it published this (Orleans' parsable address).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.SyncStatus")]
public sealed record SyncStatus(
    [property: Id(0)] string Region,
    [property: Id(1)] IReadOnlyList<PeerStatus> Peers,
    [property: Id(2)] long ChangesApplied,
    [property: Id(3)] long BatchesRejected,
    [property: Id(4)] double LagP50Ms,
    [property: Id(5)] double LagP99Ms,
    [property: Id(6)] long Conflicts = 0,
    [property: Id(7)] long LocalWrites = 0,
    [property: Id(8)] string? SyncLoopSilo = null,
    [property: Id(9)] DeltaCounts? Deltas = null,
    [property: Id(10)] FeedConsumers? Feed = null);
