using System.Net;

namespace Haunt.Grains.Peers;

/// <summary>How this region reaches the other regions' clusters: their gateways (section "Haunt:Peers", resolved by the host) and the link's timing (section "Haunt:PeerLink").</summary>
public sealed class PeerOptions
{
    /// <summary>Gateway endpoints of each peer region's cluster; every peer of this region must be present.</summary>
    public Dictionary<string, IReadOnlyList<IPEndPoint>> Gateways { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a call into a peer cluster (a forwarded strong write, a digest) may take before the peer is
    /// reported unreachable: callers get a 503 naming the region within this, never Orleans' 30 s default.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Pause between attempts to connect to a peer that is down or cut off.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sync messages on their way to one peer at once. A full window drops the next message like a full
    /// network buffer would; the outbox resends it.
    /// </summary>
    public int MaxMessagesInFlight { get; set; } = 256;

    /// <summary>Mutual TLS on the connections into the peers (null: plain TCP). The peers' silos must use the same CA.</summary>
    public LinkTls? Tls { get; set; }

    /// <summary>The gateways of <paramref name="peer"/>; null when none are configured.</summary>
    public IReadOnlyList<IPEndPoint>? GatewaysOf(string peer) => Gateways.TryGetValue(peer, out var gateways) && gateways.Count > 0 ? gateways : null;

    /// <summary>What a silo without a peer's address says, naming the setting.</summary>
    public static string MissingPeer(string peer) => $"Haunt:Peers:{peer} is missing: give the gateway address of the {peer} region's cluster.";
}
