namespace Haunt.Abstractions.Regions;

/// <summary>
/// The agreed region set of a deployment at one version: kept in every region's store, carried on the peer link and
/// sealed like every control message there. Version 1 is the configured set (Haunt:Regions); each later version
/// differs from the one before it by one region added (appended: the ranks of the others do not move) and is adopted
/// only once every region of the version before it accepted it. <see cref="Change"/> says what made it.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.Membership")]
public sealed record Membership(
    [property: Id(0)] long Version,
    [property: Id(1)] string[] Regions,
    [property: Id(2)] string Primary,
    [property: Id(3)] string Change)
{
    /// <summary>The record every region of a new deployment starts from: its configured set.</summary>
    public static Membership First(RegionSet set) => new(1, [.. set.All], set.Primary, "configured");

    public RegionSet Set => new(Regions, Primary);

    public bool Includes(string? region) => region is not null && Regions.Contains(region, StringComparer.Ordinal);

    /// <summary>The next version: <paramref name="region"/> added after the others, or why it cannot be.</summary>
    public (Membership? Next, string? Problem) Adding(string region)
    {
        if (!RegionNames.IsWellFormed(region))
        {
            return (null, $"'{region}' is not a region name ({RegionNames.Rule}).");
        }

        if (Includes(region))
        {
            return (null, $"'{region}' is already a region of this deployment (membership version {Version}).");
        }

        return Regions.Length >= RegionNames.MaxRegions
            ? (null, $"A deployment has at most {RegionNames.MaxRegions} regions; it has {Regions.Length}.")
            : (new Membership(Version + 1, [.. Regions, region], Primary, $"add {region}"), null);
    }

    /// <summary>Whether <paramref name="next"/> is what one agreed change makes of this version (a proposal that is not is refused).</summary>
    public bool Precedes(Membership next) =>
        next.Version == Version + 1 && next.Primary == Primary && next.Change.StartsWith("add ", StringComparison.Ordinal)
        && Adding(next.Change[4..]).Next is { } expected && expected.Regions.SequenceEqual(next.Regions, StringComparer.Ordinal);

    /// <summary>Equal content, not only the same array instances.</summary>
    public bool SameAs(Membership? other) => other is not null && other.Version == Version && other.Primary == Primary
        && other.Change == Change && other.Regions.SequenceEqual(Regions, StringComparer.Ordinal);

    public override string ToString() => $"v{Version} [{string.Join(", ", Regions)}] ({Change})";
}
