using System.Text.Json.Serialization;

namespace Haunt.Silo.Api;

/// <summary>One entity's current state in a snapshot: what it is, its version vector, the region that wrote it last, and the state as JSON.</summary>
public sealed record SnapshotEntry(EntityType EntityType, string EntityId, string? PortfolioId, string Vector, string Origin,
    [property: JsonConverter(typeof(RawJsonConverter))] string State)
{
    public static SnapshotEntry Of(EntityState state) => new(state.Type, state.Id, state.PortfolioId ?? (state.Type == EntityType.Portfolio ? state.Id : null),
        state.Vector.ToString(), state.ModifiedBy, state.Payload);
}

/// <summary>
/// A page of a snapshot. <see cref="Token"/> (first page only): read the feed from it once every page is read; the
/// snapshot may already hold some of the changes after it (read again: at least once, never a gap). <see cref="Next"/>:
/// the cursor of the next page, null on the last.
/// </summary>
public sealed record SnapshotResponse(string? Token, IReadOnlyList<SnapshotEntry> States, string? Next);
