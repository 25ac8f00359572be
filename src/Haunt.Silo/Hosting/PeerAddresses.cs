using System.Net;
using System.Net.Sockets;

namespace Haunt.Silo.Hosting;

/// <summary>
/// Where a region's silos find the other regions' clusters: `Haunt:Peers:&lt;region&gt;` = "host", "host:port" or
/// several separated by commas (the gateways of that region's silos), e.g. `Haunt__Peers__seoul=10.0.0.2`. A
/// peer not configured is on loopback; a port not given is that region's default gateway port. A region's own
/// entry is ignored, so every region of a deployment can share one block of peer settings.
/// </summary>
public static class PeerAddresses
{
    /// <summary>
    /// Every peer of <paramref name="region"/> on loopback at the default ports of its first
    /// <paramref name="silosPerRegion"/> silos (`up`, `silo` on one machine).
    /// </summary>
    public static Dictionary<string, IReadOnlyList<IPEndPoint>> Loopback(string region, int portOffset = 0, int silosPerRegion = 1, RegionSet? regions = null) =>
        (regions ?? RegionSet.Default).PeersOf(region).ToDictionary(peer => peer, peer => LoopbackGateways(peer, portOffset, silosPerRegion, regions));

    /// <summary>The default loopback gateways of a region's first <paramref name="silos"/> silos.</summary>
    public static IReadOnlyList<IPEndPoint> LoopbackGateways(string region, int portOffset = 0, int silos = 1, RegionSet? regions = null) =>
        [.. Enumerable.Range(0, silos).Select(i => new IPEndPoint(IPAddress.Loopback, SiloEndpoints.DefaultFor(region, portOffset, i, regions).GatewayPort))];

    /// <summary>Problems with the peer settings' form (no name lookups), each naming its setting.</summary>
    public static IEnumerable<string> Problems(string region, RegionSet regions, IReadOnlyDictionary<string, string> configured)
    {
        foreach (var key in configured.Keys.Where(k => !regions.Contains(k)))
        {
            yield return $"Haunt:Peers:{key} names no region (regions: {regions}).";
        }

        foreach (var (peer, item) in Items(region, regions, configured).Where(i => Parse(i.Item, 0) is null))
        {
            yield return $"Haunt:Peers:{peer}: '{item}' is not host[:port].";
        }
    }

    /// <summary>
    /// The peers' gateways, names looked up until <paramref name="patience"/> runs out (in a container
    /// deployment a peer's name may resolve only once its container runs). Null and the problem otherwise.
    /// </summary>
    public static async Task<(Dictionary<string, IReadOnlyList<IPEndPoint>>? Gateways, string? Problem)> ResolveAsync(
        string region, RegionSet regions, IReadOnlyDictionary<string, string> configured, TimeSpan patience, CancellationToken cancel)
    {
        var gateways = new Dictionary<string, IReadOnlyList<IPEndPoint>>();
        var deadline = DateTimeOffset.UtcNow + patience;
        foreach (var group in Items(region, regions, configured).GroupBy(i => i.Peer))
        {
            var endpoints = new List<IPEndPoint>();
            foreach (var (peer, item) in group)
            {
                var (host, port) = Parse(item, SiloEndpoints.DefaultFor(peer, regions: regions).GatewayPort)!.Value;
                var address = await LookUpAsync(host, cancel);
                while (address is null)
                {
                    if (DateTimeOffset.UtcNow > deadline)
                    {
                        return (null, $"Haunt:Peers:{peer}: '{host}' does not resolve to an IPv4 address.");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancel);
                    address = await LookUpAsync(host, cancel);
                }

                endpoints.Add(new IPEndPoint(address, port));
            }

            gateways[group.Key] = endpoints;
        }

        return (gateways, null);
    }

    private static IEnumerable<(string Peer, string Item)> Items(string region, RegionSet regions, IReadOnlyDictionary<string, string> configured) =>
        regions.PeersOf(region).SelectMany(peer => (configured.GetValueOrDefault(peer) is { Length: > 0 } value ? value : "127.0.0.1")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(item => (peer, item)));

    private static (string Host, int Port)? Parse(string item, int defaultPort)
    {
        var colon = item.LastIndexOf(':');
        var (host, port) = colon > 0 && int.TryParse(item[(colon + 1)..], out var p) ? (item[..colon], p) : (item, defaultPort);
        return string.IsNullOrWhiteSpace(host) || port is < 0 or > 65535 || host.Contains(':', StringComparison.Ordinal) ? null : (host, port);
    }

    private static async Task<IPAddress?> LookUpAsync(string host, CancellationToken cancel)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            return (await Dns.GetHostAddressesAsync(host, cancel)).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
