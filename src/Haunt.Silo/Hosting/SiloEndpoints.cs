namespace Haunt.Silo.Hosting;

/// <summary>The loopback ports of one regional silo.</summary>
public sealed record SiloEndpoints(int SiloPort, int GatewayPort, int HttpPort)
{
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>Fixed default ports per region for `up` (osaka 11111/30000/5101, then +1 per region).</summary>
    public static SiloEndpoints DefaultFor(string region, int offset = 0)
    {
        var rank = KnownRegions.Rank(region) + offset;
        return new SiloEndpoints(11111 + rank, 30000 + rank, 5101 + rank);
    }
}
