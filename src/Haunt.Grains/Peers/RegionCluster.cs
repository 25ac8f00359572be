namespace Haunt.Grains.Peers;

/// <summary>
/// Each region is its own Orleans cluster: one ServiceId for the whole service, one ClusterId per region, so
/// no membership, grain directory or grain call ever spans regions.
/// </summary>
public static class RegionCluster
{
    public const string ServiceId = "haunt";

    public static string IdOf(string region) => RegionNames.IsWellFormed(region) ? $"haunt-{region}" : throw new ArgumentException($"'{region}' is not a region name ({RegionNames.Rule}).", nameof(region));
}
