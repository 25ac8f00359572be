namespace Haunt.Abstractions.Regions;

/// <summary>
/// The names of the default regions (<see cref="RegionSet.Default"/>: osaka, the primary, seoul and nyc), for
/// defaults, help texts and tests. What a deployment's regions are is its <see cref="RegionSet"/>; logic asks that.
/// </summary>
public static class KnownRegions
{
    public const string Osaka = "osaka";
    public const string Seoul = "seoul";
    public const string Nyc = "nyc";
    public const string Primary = Osaka;

    /// <summary>The default regions in rank order (osaka &gt; seoul &gt; nyc).</summary>
    public static IReadOnlyList<string> All => RegionSet.Default.All;

    public static bool IsKnown(string? region) => RegionSet.Default.Contains(region);

    /// <summary>0 for osaka, 1 for seoul, 2 for nyc: lower rank wins a tie.</summary>
    public static int Rank(string region) => RegionSet.Default.Rank(region);

    public static IEnumerable<string> PeersOf(string region) => RegionSet.Default.PeersOf(region);

    public static string Require(string? region) => RegionSet.Default.Require(region);
}
