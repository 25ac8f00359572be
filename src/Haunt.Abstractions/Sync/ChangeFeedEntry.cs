using Haunt.Abstractions.Entities;

namespace Haunt.Abstractions.Sync;

/// <summary>One change of a region's feed, for in-cluster consumers: its seq in the region's commit order, what it did, the region that wrote it, when the region committed it, and the state.</summary>
[GenerateSerializer, Immutable, Alias("haunt.ChangeFeedEntry")]
public sealed record ChangeFeedEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] SyncOperation Operation,
    [property: Id(2)] string Origin,
    [property: Id(3)] long CommittedAtMs,
    [property: Id(4)] EntityState State);
