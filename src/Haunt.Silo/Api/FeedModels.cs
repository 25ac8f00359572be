using System.Text.Json.Serialization;

namespace Haunt.Silo.Api;

/// <summary>
/// One change of the feed: its token (resume after it), this region's seq, what changed and how, the version vector,
/// the region that wrote it, when this region committed it, and the entity's state as JSON (a delete: the tombstone).
/// </summary>
public sealed record FeedEntry(string Token, long Seq, EntityType EntityType, string EntityId, string? PortfolioId, SyncOperation Operation,
    string Vector, string Origin, long CommittedAtMs, bool Deleted, [property: JsonConverter(typeof(RawJsonConverter))] string State)
{
    public static FeedEntry Of(string region, FeedChange change) => new(new FeedToken(region, change.Seq).ToString(), change.Seq, change.State.Type,
        change.State.Id, change.State.PortfolioId ?? (change.State.Type == EntityType.Portfolio ? change.State.Id : null), change.Operation,
        change.State.Vector.ToString(), change.OriginRegion, change.CommittedAtMs, change.State.Deleted, change.State.Payload);
}

/// <summary>A page of the feed and the token to read on from (the last change's, or past what the filters skipped).</summary>
public sealed record FeedResponse(IReadOnlyList<FeedEntry> Changes, string Next);
