namespace Haunt.Abstractions.Regions;

/// <summary>
/// What a region's name may be, and how many regions one deployment may have. A name is written into every version
/// vector, outbox row, sync message and metric label, so it is short and plain: 1–32 characters, lowercase ASCII
/// letters, digits and '-', starting with a letter.
/// </summary>
public static class RegionNames
{
    /// <summary>
    /// At most 16 regions: every entity state carries one vector entry per region that wrote it and every region
    /// keeps a link to each other one (16 regions are 120 links), so the cost of a region grows with the count.
    /// </summary>
    public const int MaxRegions = 16;

    public const int MaxLength = 32;

    public const string Rule = "1–32 lowercase letters, digits or '-', starting with a letter";

    public static bool IsWellFormed(string? name) =>
        name is { Length: > 0 and <= MaxLength } && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
