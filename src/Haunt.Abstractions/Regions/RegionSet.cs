namespace Haunt.Abstractions.Regions;

/// <summary>
/// The regions of one deployment, in rank order (a lower rank wins a tie), and its primary (by default the first):
/// data, not code. Every region of a deployment is configured with the same set (Haunt:Regions); osaka, seoul and
/// nyc are only the default one.
/// </summary>
public sealed class RegionSet
{
    /// <summary>osaka (the primary), seoul, nyc: the set a deployment has unless configured otherwise.</summary>
    public static RegionSet Default { get; } = new([KnownRegions.Osaka, KnownRegions.Seoul, KnownRegions.Nyc]);

    private readonly Dictionary<string, int> _rank;

    /// <summary>A set of the given regions in rank order; throws <see cref="ArgumentException"/> saying what is wrong.</summary>
    public RegionSet(IEnumerable<string> regions, string? primary = null)
    {
        All = regions.Select(r => r.Trim()).ToArray();
        if (Problem(All, primary) is { } problem)
        {
            throw new ArgumentException(problem, nameof(regions));
        }

        _rank = All.Select((region, rank) => (region, rank)).ToDictionary(p => p.region, p => p.rank, StringComparer.Ordinal);
        Primary = string.IsNullOrWhiteSpace(primary) ? All[0] : primary.Trim();
    }

    public IReadOnlyList<string> All { get; }

    /// <summary>The region that wins concurrent strong writes, and the home given to what a leaving region was home to.</summary>
    public string Primary { get; }

    public int Count => All.Count;

    /// <summary>What is wrong with a region list and primary, or null if they make a set.</summary>
    public static string? Problem(IReadOnlyList<string> regions, string? primary)
    {
        if (regions.Count is 0 or > RegionNames.MaxRegions)
        {
            return $"A deployment has 1–{RegionNames.MaxRegions} regions, not {regions.Count}.";
        }

        if (regions.FirstOrDefault(r => !RegionNames.IsWellFormed(r)) is { } bad)
        {
            return $"'{bad}' is not a region name ({RegionNames.Rule}).";
        }

        if (regions.GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"Region '{twice.Key}' is listed twice.";
        }

        return string.IsNullOrWhiteSpace(primary) || regions.Contains(primary.Trim(), StringComparer.Ordinal)
            ? null
            : $"The primary region '{primary}' is not one of the regions ({string.Join(", ", regions)}).";
    }

    public bool Contains(string? region) => region is not null && _rank.ContainsKey(region);

    /// <summary>0 for the first region, 1 for the next, …: a lower rank wins a tie.</summary>
    public int Rank(string region) => _rank.TryGetValue(region, out var rank)
        ? rank
        : throw new ArgumentException($"Unknown region '{region}'. The regions are {this}.", nameof(region));

    public IEnumerable<string> PeersOf(string region) => All.Where(r => r != region);

    public string Require(string? region) =>
        Contains(region) ? region! : throw new ArgumentException($"Unknown region '{region}'. The regions are {this}.", nameof(region));

    public override string ToString() => string.Join(", ", All);
}
