namespace Haunt.Abstractions.Versioning;

/// <summary>One region's counter in a <see cref="VersionVector"/>: how many writes of the entity that region made.</summary>
[GenerateSerializer, Immutable, Alias("haunt.VectorEntry")]
public readonly record struct VectorEntry([property: Id(0)] string Region, [property: Id(1)] long Counter);
