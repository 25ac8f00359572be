namespace Haunt.Tests;

/// <summary>Vectors over the default three regions, in their order: V(1, 0, 2) is osaka 1, seoul 0, nyc 2.</summary>
public static class Vectors
{
    public static VersionVector V(long osaka, long seoul, long nyc) =>
        VersionVector.Of([new(KnownRegions.Osaka, osaka), new(KnownRegions.Seoul, seoul), new(KnownRegions.Nyc, nyc)]);
}
