using Haunt.Abstractions.Entities;

namespace Haunt.Abstractions.Sync;

/// <summary>A row of the conflict log: a concurrent pair as one region saw and resolved it.</summary>
[GenerateSerializer, Immutable, Alias("haunt.ConflictRecord")]
public sealed record ConflictRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] EntityType EntityType,
    [property: Id(2)] string EntityId,
    [property: Id(3)] string LocalVector,
    [property: Id(4)] string RemoteVector,
    [property: Id(5)] string? LocalPayload,
    [property: Id(6)] string? RemotePayload,
    [property: Id(7)] string LocalRegion,
    [property: Id(8)] string RemoteRegion,
    [property: Id(9)] string Winner,
    [property: Id(10)] string Policy,
    [property: Id(11)] string DetectedIn,
    [property: Id(12)] long DetectedAtMs);
