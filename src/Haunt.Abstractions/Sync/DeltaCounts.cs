namespace Haunt.Abstractions.Sync;

/// <summary>
/// A region's delta figures since its sync loop started: deltas it sent, received and applied, received and refused
/// (base not held), sent and then resent whole, and the state bytes its deltas left out.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.DeltaCounts")]
public sealed record DeltaCounts(
    [property: Id(0)] long Sent,
    [property: Id(1)] long Applied,
    [property: Id(2)] long Refused,
    [property: Id(3)] long Fallbacks,
    [property: Id(4)] long BytesSaved);
