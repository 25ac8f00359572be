namespace Haunt.Abstractions.Regions;

/// <summary>The three regions of Haunt. osaka is the primary: it wins ties and concurrent strong writes.</summary>
public static class KnownRegions
{
    public const string Osaka = "osaka";
    public const string Seoul = "seoul";
    public const string Nyc = "nyc";
    public const string Primary = Osaka;

    /// <summary>All regions in rank order (osaka &gt; seoul &gt; nyc); the order breaks ties everywhere.</summary>
    public static IReadOnlyList<string> All { get; } = [Osaka, Seoul, Nyc];

    public static bool IsKnown(string? region) => region is Osaka or Seoul or Nyc;

    /// <summary>0 for osaka, 1 for seoul, 2 for nyc: lower rank wins a tie.</summary>
    public static int Rank(string region) => region switch
    {
        Osaka => 0,
        Seoul => 1,
        Nyc => 2,
        _ => throw new ArgumentException($"Unknown region '{region}'. Known regions: {string.Join(", ", All)}.", nameof(region)),
    };

    public static IEnumerable<string> PeersOf(string region) => All.Where(r => r != region);

    public static string Require(string? region) =>
        IsKnown(region) ? region! : throw new ArgumentException($"Unknown region '{region}'. Known regions: {string.Join(", ", All)}.", nameof(region));
}
