namespace Haunt.Abstractions.Sync;

/// <summary>A region's data digest as reported to operators and peers: overall, and per entity type.</summary>
[GenerateSerializer, Immutable, Alias("haunt.DigestReport")]
public sealed record DigestReport(
    [property: Id(0)] string Region,
    [property: Id(1)] string Overall,
    [property: Id(2)] long Entities,
    [property: Id(3)] IReadOnlyDictionary<string, string> PerType);
