using System.Text.Json.Serialization;
using Haunt.Abstractions.Versioning;

namespace Haunt.Abstractions.Sync;

/// <summary>
/// A change's new state sent as the change from a version the receiver is expected to hold: <see cref="Patch"/> (an
/// RFC 6902 JSON Patch) turns the state whose vector is <see cref="BaseVector"/> and whose payload hashes to
/// <see cref="BaseHash"/> into the payload that hashes to <see cref="ResultHash"/>. A receiver that holds another
/// version, or whose result hashes otherwise, refuses the change and the sender sends it whole: never a wrong merge.
/// On the wire the patch is JSON in place, not a string of JSON (no escaped quotes).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.StateDelta")]
public sealed record StateDelta(
    [property: Id(0)] VersionVector BaseVector,
    [property: Id(1)] string BaseHash,
    [property: Id(2), JsonConverter(typeof(RawJsonConverter))] string Patch,
    [property: Id(3)] string ResultHash);
