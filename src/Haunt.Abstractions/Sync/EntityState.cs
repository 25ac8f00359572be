using System.Text.Json.Serialization;
using Haunt.Abstractions.Entities;
using Haunt.Abstractions.Versioning;

namespace Haunt.Abstractions.Sync;

/// <summary>
/// One region's copy of one entity: the record as JSON plus what replication needs. Replication is
/// state-based: a change carries the whole new state (a large one may travel as a delta, made whole again before it
/// is applied), so applying it twice or late is harmless.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.EntityState")]
public sealed record EntityState(
    [property: Id(0)] EntityType Type,
    [property: Id(1)] string Id,
    [property: Id(2)] string HomeRegion,
    [property: Id(3)] VersionVector Vector,
    [property: Id(4)] HybridTimestamp ModifiedAt,
    [property: Id(5)] string ModifiedBy,
    [property: Id(6)] bool Deleted,
    [property: Id(7)] string? PortfolioId,
    [property: Id(8)] string Payload)
{
    [JsonIgnore]
    public long Version => Vector.Sum;
}

/// <summary>
/// A change as it leaves the origin's outbox: the new state, the operation and where it stands. TraceParent is the
/// W3C trace context the write was made in (when it was made in a trace), so that its apply in every other region can
/// be followed from the request that made it. On the wire a large update may carry <see cref="Delta"/> instead of the
/// state's payload (<see cref="AsDelta"/>); the receiver makes it whole again (<see cref="WithPayload"/>) before
/// anything compares or stores it.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.ChangeItem")]
public sealed record ChangeItem(
    [property: Id(0)] long Seq,
    [property: Id(1)] SyncOperation Operation,
    [property: Id(2)] EntityState State,
    [property: Id(3)] long CommittedAtMs,
    [property: Id(4)] string? TraceParent = null,
    [property: Id(5)] StateDelta? Delta = null)
{
    [JsonIgnore]
    public int Priority => State.Type.Info().Priority;

    /// <summary>
    /// This change with its payload replaced by <paramref name="delta"/>. The state goes without a payload on purpose:
    /// a region of a release before deltas refuses such a batch as malformed (it requires every payload), so it gets
    /// the change whole instead of a state it would store empty.
    /// </summary>
    public ChangeItem AsDelta(StateDelta delta) => this with { State = State with { Payload = null! }, Delta = delta };

    /// <summary>This change made whole: <paramref name="payload"/> as its state's payload, no delta.</summary>
    public ChangeItem WithPayload(string payload) => this with { State = State with { Payload = payload }, Delta = null };
}
