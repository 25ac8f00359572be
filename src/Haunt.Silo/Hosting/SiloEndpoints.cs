namespace Haunt.Silo.Hosting;

/// <summary>The loopback ports of one regional silo.</summary>
public sealed record SiloEndpoints(int SiloPort, int GatewayPort, int HttpPort)
{
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>The API's base URL on loopback, https when the silo runs with TLS.</summary>
    public string ApiUrl(bool tls) => tls ? $"https://127.0.0.1:{HttpPort}" : HttpUrl;

    /// <summary>Most silos one machine runs for a region (`silo --silo-index 0…9`).</summary>
    public const int MaxSilosPerRegion = 10;

    /// <summary>
    /// Fixed default ports per region for `up`, by its place in <paramref name="regions"/> (default osaka, seoul, nyc):
    /// the first 11111/30000/5101, then +1 per region (16 regions at most, so up to +15); the <paramref name="index"/>th
    /// silo of a region on one machine adds 100 per index (the first region's second silo: 11211/30100/5201).
    /// </summary>
    public static SiloEndpoints DefaultFor(string region, int offset = 0, int index = 0, RegionSet? regions = null)
    {
        var rank = (regions ?? RegionSet.Default).Rank(region) + offset + 100 * index;
        return new SiloEndpoints(11111 + rank, 30000 + rank, 5101 + rank);
    }
}
