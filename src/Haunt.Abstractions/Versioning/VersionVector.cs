using System.Globalization;
using Haunt.Abstractions.Regions;

namespace Haunt.Abstractions.Versioning;

/// <summary>How two version vectors relate.</summary>
public enum VectorOrder
{
    Equal,
    /// <summary>This vector dominates the other: it has seen everything the other has, and more.</summary>
    Newer,
    /// <summary>The other vector dominates this one.</summary>
    Older,
    /// <summary>Each has seen a write the other has not: a conflict.</summary>
    Concurrent,
}

/// <summary>
/// One counter per region, bumped by the region that writes. Compare tells newer / older / equal /
/// concurrent; merge takes the element-wise maximum. Stored as "osaka.seoul.nyc" (e.g. "3.0.1").
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.VersionVector")]
public readonly record struct VersionVector(
    [property: Id(0)] long Osaka,
    [property: Id(1)] long Seoul,
    [property: Id(2)] long Nyc)
{
    public static VersionVector Zero => default;

    /// <summary>The scalar version: the sum of the counters. Strictly grows with every change.</summary>
    public long Sum => Osaka + Seoul + Nyc;

    public bool IsZero => Osaka == 0 && Seoul == 0 && Nyc == 0;

    public long Get(string region) => region switch
    {
        KnownRegions.Osaka => Osaka,
        KnownRegions.Seoul => Seoul,
        KnownRegions.Nyc => Nyc,
        _ => throw new ArgumentException($"Unknown region '{region}'.", nameof(region)),
    };

    public VersionVector Increment(string region) => region switch
    {
        KnownRegions.Osaka => this with { Osaka = Osaka + 1 },
        KnownRegions.Seoul => this with { Seoul = Seoul + 1 },
        KnownRegions.Nyc => this with { Nyc = Nyc + 1 },
        _ => throw new ArgumentException($"Unknown region '{region}'.", nameof(region)),
    };

    public VersionVector Merge(VersionVector other) =>
        new(Math.Max(Osaka, other.Osaka), Math.Max(Seoul, other.Seoul), Math.Max(Nyc, other.Nyc));

    public VectorOrder Compare(VersionVector other)
    {
        var greater = Osaka > other.Osaka || Seoul > other.Seoul || Nyc > other.Nyc;
        var less = Osaka < other.Osaka || Seoul < other.Seoul || Nyc < other.Nyc;
        return (greater, less) switch
        {
            (false, false) => VectorOrder.Equal,
            (true, false) => VectorOrder.Newer,
            (false, true) => VectorOrder.Older,
            _ => VectorOrder.Concurrent,
        };
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Osaka}.{Seoul}.{Nyc}");

    public static VersionVector Parse(string text) =>
        TryParse(text, out var vector) ? vector : throw new FormatException($"'{text}' is not a version vector (osaka.seoul.nyc).");

    public static bool TryParse(string? text, out VersionVector vector)
    {
        vector = default;
        var parts = text?.Split('.');
        if (parts is not { Length: 3 }
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var o)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        vector = new VersionVector(o, s, n);
        return true;
    }
}
