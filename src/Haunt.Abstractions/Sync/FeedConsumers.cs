namespace Haunt.Abstractions.Sync;

/// <summary>
/// The consumer groups of a region's change feed as a whole: how many stored a checkpoint, how many are stuck (behind
/// and not advanced for Haunt:Sync:FeedStuckAfter), and the furthest behind of them: changes after its checkpoint and
/// how long the first of those has waited. Per group only in the feed API (a group is its user's).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.FeedConsumers")]
public sealed record FeedConsumers(
    [property: Id(0)] long Groups,
    [property: Id(1)] long Stuck,
    [property: Id(2)] long MaxBehindChanges,
    [property: Id(3)] double MaxBehindSeconds)
{
    public static FeedConsumers None { get; } = new(0, 0, 0, 0);
}
