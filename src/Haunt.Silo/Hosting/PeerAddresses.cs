using System.Net;
using System.Net.Sockets;

namespace Haunt.Silo.Hosting;

/// <summary>
/// Where a region's silos find the other regions' clusters: `Haunt:Peers:&lt;region&gt;` = "host", "host:port" or
/// several separated by commas (the gateways of that region's silos), e.g. `Haunt__Peers__seoul=10.0.0.2`. A
/// peer not configured is on loopback; a port not given is that region's default gateway port.
/// </summary>
public static class PeerAddresses
{
    /// <summary>Every peer of <paramref name="region"/> on loopback at the default ports (`up`, `silo` on one machine).</summary>
    public static Dictionary<string, IReadOnlyList<IPEndPoint>> Loopback(string region, int portOffset = 0) =>
        KnownRegions.PeersOf(region).ToDictionary(
            peer => peer,
            peer => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, SiloEndpoints.DefaultFor(peer, portOffset).GatewayPort)]);

    /// <summary>The peers' gateways from configuration, or the problems that stop the silo, each naming its setting.</summary>
    public static (Dictionary<string, IReadOnlyList<IPEndPoint>> Gateways, List<string> Problems) Resolve(string region, IReadOnlyDictionary<string, string> configured)
    {
        var problems = configured.Keys.Where(k => !KnownRegions.PeersOf(region).Contains(k))
            .Select(k => $"Haunt:Peers:{k} names no peer of {region} (peers: {string.Join(", ", KnownRegions.PeersOf(region))}).").ToList();
        var gateways = new Dictionary<string, IReadOnlyList<IPEndPoint>>();
        foreach (var peer in KnownRegions.PeersOf(region))
        {
            var value = configured.GetValueOrDefault(peer);
            var endpoints = new List<IPEndPoint>();
            foreach (var item in (string.IsNullOrWhiteSpace(value) ? "127.0.0.1" : value).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Endpoint(item, SiloEndpoints.DefaultFor(peer).GatewayPort) is { } endpoint)
                {
                    endpoints.Add(endpoint);
                }
                else
                {
                    problems.Add($"Haunt:Peers:{peer}: '{item}' is not host[:port] of a reachable name or address.");
                }
            }

            gateways[peer] = endpoints;
        }

        return (gateways, problems);
    }

    private static IPEndPoint? Endpoint(string item, int defaultPort)
    {
        var colon = item.LastIndexOf(':');
        var (host, port) = colon > 0 && int.TryParse(item[(colon + 1)..], out var p) ? (item[..colon], p) : (item, defaultPort);
        if (port is <= 0 or > 65535 || string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var resolved = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            return resolved is null ? null : new IPEndPoint(resolved, port);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
