namespace Haunt.Abstractions.Regions;

/// <summary>
/// The agreed region set of a deployment at one version: kept in every region's store, carried on the peer link and
/// sealed like every control message there. Version 1 is the configured set (Haunt:Regions); each later version
/// differs from the one before it by one change, adopted only once every region of the version before it accepted it:
/// a region added (appended: the ranks of the others do not move), a region leaving (it stays a member, takes no new
/// writes, hands its strong entities to its successor and drains its outbox), or a leaving region removed.
/// <see cref="Change"/> says what made it; <see cref="Gateways"/> where the regions added at run time are reached
/// ("host:port" each), for regions whose configuration does not name them (Haunt:Peers); <see cref="Successors"/>,
/// for each region that left or is leaving, the region its strong entities were handed to (kept for good: a state
/// still naming a departed home is written in its successor).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.Membership")]
public sealed record Membership(
    [property: Id(0)] long Version,
    [property: Id(1)] string[] Regions,
    [property: Id(2)] string Primary,
    [property: Id(3)] string Change,
    [property: Id(4)] IReadOnlyDictionary<string, string[]>? Gateways = null,
    [property: Id(5)] IReadOnlyDictionary<string, string>? Successors = null)
{
    /// <summary>The record every region of a new deployment starts from: its configured set.</summary>
    public static Membership First(RegionSet set) => new(1, [.. set.All], set.Primary, "configured");

    public RegionSet Set => new(Regions, Primary);

    public bool Includes(string? region) => region is not null && Regions.Contains(region, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="region"/> is a member or one that left: the states it wrote or homed stay valid everywhere.</summary>
    public bool Knows(string? region) => Includes(region) || (region is not null && Successors?.ContainsKey(region) == true);

    /// <summary>Whether <paramref name="region"/> is a member that is leaving: it takes no new writes and hands its strong entities over.</summary>
    public bool IsLeaving(string? region) => Includes(region) && Successors?.ContainsKey(region!) == true;

    /// <summary>The region that takes over <paramref name="region"/>'s strong entities once it leaves (null: it is not leaving and never left).</summary>
    public string? SuccessorOf(string region) => Successors?.GetValueOrDefault(region);

    /// <summary>The region a state whose recorded home is <paramref name="home"/> is written in: its successor's once it left.</summary>
    public string HomeOf(string home)
    {
        for (var hops = 0; !Includes(home) && hops <= RegionNames.MaxRegions && SuccessorOf(home) is { } successor; hops++)
        {
            home = successor;
        }

        return home;
    }

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

        if (LeavingNow() is { } leaving)
        {
            return (null, $"'{leaving}' is leaving the deployment; add a region once it was removed.");
        }

        return Regions.Length >= RegionNames.MaxRegions
            ? (null, $"A deployment has at most {RegionNames.MaxRegions} regions; it has {Regions.Length}.")
            : (new Membership(Version + 1, [.. Regions, region], Primary, $"add {region}", WithGateways(region, gateways), Successors), null);
    }

    /// <summary>
    /// The next version: <paramref name="region"/> leaving, its strong entities handed to <paramref name="successor"/>
    /// (default: the primary), or why it cannot be. The primary cannot leave: it is every other region's default home.
    /// </summary>
    public (Membership? Next, string? Problem) Leaving(string region, string? successor = null)
    {
        successor ??= Primary;
        if (!Includes(region))
        {
            return (null, $"'{region}' is not a region of this deployment (membership version {Version}: {string.Join(", ", Regions)}).");
        }

        if (LeavingNow() is { } leaving)
        {
            return (null, $"'{leaving}' is leaving the deployment already; one region at a time.");
        }

        if (region == Primary)
        {
            return (null, $"'{region}' is the primary region: the default home of new strong entities cannot leave.");
        }

        if (!Includes(successor) || successor == region)
        {
            return (null, $"The new home '{successor}' must be another region of this deployment ({string.Join(", ", Regions.Where(r => r != region))}).");
        }

        var successors = new Dictionary<string, string>(Successors ?? s_noSuccessors, StringComparer.Ordinal) { [region] = successor };
        return (this with { Version = Version + 1, Change = $"leave {region} to {successor}", Successors = successors }, null);
    }

    /// <summary>The next version: a leaving <paramref name="region"/> removed (it drained), or why it cannot be.</summary>
    public (Membership? Next, string? Problem) Removing(string region) => IsLeaving(region)
        ? (this with
        {
            Version = Version + 1,
            Regions = [.. Regions.Where(r => r != region)],
            Change = $"remove {region}",
            Gateways = Gateways?.Where(g => g.Key != region).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal),
        }, null)
        : (null, $"'{region}' is not leaving the deployment; ask for it to leave first.");

    /// <summary>The member leaving now, if any (one at a time).</summary>
    public string? LeavingNow() => Regions.FirstOrDefault(IsLeaving);

    /// <summary>Whether <paramref name="next"/> is what one agreed change makes of this version (a proposal that is not is refused).</summary>
    public bool Precedes(Membership next)
    {
        var expected = next.Version != Version + 1 ? null : next.Change.Split(' ') switch
        {
            ["add", var region] => Adding(region, next.GatewaysOf(region)).Next,
            ["leave", var region, "to", var successor] => Leaving(region, successor).Next,
            ["remove", var region] => Removing(region).Next,
            _ => null,
        };
        return expected is not null && expected.SameAs(next);
    }

    /// <summary>Where <paramref name="region"/> was said to be reached when it was added (null: nowhere said).</summary>
    public string[]? GatewaysOf(string region) => Gateways?.GetValueOrDefault(region) is { Length: > 0 } gateways ? gateways : null;

    /// <summary>Equal content, not only the same array instances.</summary>
    public bool SameAs(Membership? other) => other is not null && other.Version == Version && other.Primary == Primary
        && other.Change == Change && other.Regions.SequenceEqual(Regions, StringComparer.Ordinal)
        && (other.Gateways ?? s_none).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g.Value.Prepend(g.Key))
            .SequenceEqual((Gateways ?? s_none).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g.Value.Prepend(g.Key)), StringComparer.Ordinal)
        && Flat(other.Successors).SequenceEqual(Flat(Successors), StringComparer.Ordinal);

    private static IEnumerable<string> Flat(IReadOnlyDictionary<string, string>? successors) =>
        (successors ?? s_noSuccessors).OrderBy(s => s.Key, StringComparer.Ordinal).SelectMany(s => new[] { s.Key, s.Value });

    private static readonly Dictionary<string, string[]> s_none = [];
    private static readonly Dictionary<string, string> s_noSuccessors = [];

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
