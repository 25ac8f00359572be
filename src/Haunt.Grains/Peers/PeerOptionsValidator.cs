using Microsoft.Extensions.Options;

namespace Haunt.Grains.Peers;

/// <summary>Checks <see cref="PeerOptions"/> at start: every peer of this region has a gateway, the timeouts make sense; all problems at once.</summary>
public sealed class PeerOptionsValidator(SiloRegion region) : IValidateOptions<PeerOptions>
{
    public ValidateOptionsResult Validate(string? name, PeerOptions options)
    {
        var problems = region.Peers.Where(peer => options.GatewaysOf(peer) is null).Select(PeerOptions.MissingPeer).ToList();
        if (options.CallTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Haunt:PeerLink:CallTimeout must be positive (got {options.CallTimeout}).");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero)
        {
            problems.Add($"Haunt:PeerLink:ReconnectDelay must be positive (got {options.ReconnectDelay}).");
        }

        if (options.MaxMessagesInFlight < 1)
        {
            problems.Add($"Haunt:PeerLink:MaxMessagesInFlight must be at least 1 (got {options.MaxMessagesInFlight}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
