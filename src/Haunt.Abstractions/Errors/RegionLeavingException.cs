namespace Haunt.Abstractions.Errors;

/// <summary>
/// The write was not made because a region is leaving the deployment: this region takes no new writes while it hands
/// its entities over and drains, or the entity's home is leaving and its handover did not arrive here in time. The
/// API answers 503: retry (in another region, or in a moment).
/// </summary>
[GenerateSerializer, Alias("haunt.RegionLeavingException")]
public sealed class RegionLeavingException : Exception
{
    public RegionLeavingException() { }

    public RegionLeavingException(string message) : base(message) { }

    public RegionLeavingException(string message, Exception inner) : base(message, inner) { }
}
