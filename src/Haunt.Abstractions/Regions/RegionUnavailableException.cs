namespace Haunt.Regions;

/// <summary>Raised when a call must reach a region that has no active silo (cut off or down).</summary>
[GenerateSerializer, Alias("haunt.RegionUnavailableException")]
public sealed class RegionUnavailableException : Exception
{
    public RegionUnavailableException() { }

    public RegionUnavailableException(string region)
        : base($"Region '{region}' has no active silo; the write was not made.") => Region = region;

    public RegionUnavailableException(string message, Exception inner) : base(message, inner) { }

    [Id(0)]
    public string Region { get; init; } = "";
}
