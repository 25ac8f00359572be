namespace Haunt.Abstractions.Regions;

/// <summary>
/// The agreed region set of a deployment at one version: kept in every region's store, carried on the peer link and
/// sealed like every control message there. Version 1 is the configured set (Haunt:Regions); each later version
/// differs from the one before it by one region added (appended: the ranks of the others do not move) and is adopted
/// only once every region of the version before it accepted it. <see cref="Change"/> says what made it;
/// <see cref="Gateways"/> where the regions added at run time are reached ("host:port" each), for regions whose
/// configuration does not name them (Haunt:Peers).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.Membership")]
public sealed record Membership(
    [property: Id(0)] long Version,
    [property: Id(1)] string[] Regions,
    [property: Id(2)] string Primary,
    [property: Id(3)] string Change,
    [property: Id(4)] IReadOnlyDictionary<string, string[]>? Gateways = null)
{
    /// <summary>The record every region of a new deployment starts from: its configured set.</summary>
    public static Membership First(RegionSet set) => new(1, [.. set.All], set.Primary, "configured");

    public RegionSet Set => new(Regions, Primary);

    public bool Includes(string? region) => region is not null && Regions.Contains(region, StringComparer.Ordinal);

    /// <summary>The next version: <paramref name="region"/> added after the others, reached at <paramref name="gateways"/>, or why it cannot be.</summary>
    public (Membership? Next, string? Problem) Adding(string region, IReadOnlyList<string>? gateways = null)
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
            : (new Membership(Version + 1, [.. Regions, region], Primary, $"add {region}", WithGateways(region, gateways)), null);
    }

    /// <summary>Whether <paramref name="next"/> is what one agreed change makes of this version (a proposal that is not is refused).</summary>
    public bool Precedes(Membership next) =>
        next.Version == Version + 1 && next.Primary == Primary && next.Change.StartsWith("add ", StringComparison.Ordinal)
        && Adding(next.Change[4..], next.GatewaysOf(next.Change[4..])).Next is { } expected && expected.SameAs(next);

    /// <summary>Where <paramref name="region"/> was said to be reached when it was added (null: nowhere said).</summary>
    public string[]? GatewaysOf(string region) => Gateways?.GetValueOrDefault(region) is { Length: > 0 } gateways ? gateways : null;

    /// <summary>Equal content, not only the same array instances.</summary>
    public bool SameAs(Membership? other) => other is not null && other.Version == Version && other.Primary == Primary
        && other.Change == Change && other.Regions.SequenceEqual(Regions, StringComparer.Ordinal)
        && (other.Gateways ?? s_none).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g.Value.Prepend(g.Key))
            .SequenceEqual((Gateways ?? s_none).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g.Value.Prepend(g.Key)), StringComparer.Ordinal);

    private static readonly Dictionary<string, string[]> s_none = [];

    private Dictionary<string, string[]> WithGateways(string region, IReadOnlyList<string>? gateways)
    {
        var all = new Dictionary<string, string[]>(Gateways ?? s_none, StringComparer.Ordinal);
        if (gateways is { Count: > 0 })
        {
            all[region] = [.. gateways];
        }

        return all;
    }

    public override string ToString() => $"v{Version} [{string.Join(", ", Regions)}] ({Change})";
}
