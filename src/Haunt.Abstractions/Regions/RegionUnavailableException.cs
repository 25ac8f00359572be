namespace Haunt.Abstractions.Regions;

/// <summary>
/// Raised when a call must reach a region that cannot be reached (cut off or down). Refused before sending,
/// the write was not made; a call that was sent but not answered in time may still land there, so
/// <see cref="NoAnswer"/> says the outcome is unknown and how to find it out.
/// </summary>
[GenerateSerializer, Alias("haunt.RegionUnavailableException")]
public sealed class RegionUnavailableException : Exception
{
    public RegionUnavailableException() { }

    public RegionUnavailableException(string region)
        : base($"Region '{region}' has no active silo; the write was not made.") => Region = region;

    public RegionUnavailableException(string message, Exception inner) : base(message, inner) { }

    private RegionUnavailableException(string region, string message) : base(message) => Region = region;

    /// <summary>The call went out but no answer came within <paramref name="timeout"/>: it may still be applied there.</summary>
    public static RegionUnavailableException NoAnswer(string region, TimeSpan timeout) => new(region,
        $"Region '{region}' did not answer within {timeout.TotalSeconds:0.#} s; the write may still be made there: retry with the same id to learn its outcome.");

    [Id(0)]
    public string Region { get; init; } = "";
}
