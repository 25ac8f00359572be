namespace Haunt.Tests;

/// <summary>A region of the default set (osaka, seoul, nyc), as a silo of a default deployment sees itself.</summary>
public static class DefaultRegions
{
    public static SiloRegion SiloOf(string region) => new(region, RegionSet.Default);
}
