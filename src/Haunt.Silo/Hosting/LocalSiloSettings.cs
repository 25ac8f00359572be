using System.Globalization;
using System.Net;
using Haunt.Silo.Security;

namespace Haunt.Silo.Hosting;

/// <summary>
/// The settings of a silo that shares a process with its region's other silos (in-process `up`, the benchmark,
/// tests), written as the same configuration keys `silo` reads from its files, environment and flags: Orleans
/// development clustering, peers on loopback. Callers add any other key (Haunt:Sync:…, Logging:…) before building.
/// </summary>
public static class LocalSiloSettings
{
    public static Dictionary<string, string?> For(string region, string dataDirectory, SiloEndpoints endpoints, string clusterKey,
        IReadOnlyDictionary<string, IReadOnlyList<IPEndPoint>> peers, AuthSettings auth, int primarySiloPort = 0, RegionSet? regions = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Haunt:Region"] = region,
            ["Haunt:Regions"] = regions is null ? null : string.Join(',', regions.All),
            ["Haunt:PrimaryRegion"] = regions?.Primary,
            ["Haunt:DataDirectory"] = dataDirectory,
            ["Haunt:Clustering"] = nameof(ClusterMode.Localhost),
            ["Haunt:PrimarySiloPort"] = Number(primarySiloPort),
            ["Haunt:SiloPort"] = Number(endpoints.SiloPort),
            ["Haunt:GatewayPort"] = Number(endpoints.GatewayPort),
            ["Haunt:HttpPort"] = Number(endpoints.HttpPort),
            ["Haunt:Sync:ClusterKey"] = clusterKey,
            ["Haunt:Auth:Issuer"] = auth.Issuer,
            ["Haunt:Auth:Audience"] = auth.Audience,
        };
        foreach (var (peer, gateways) in peers)
        {
            settings[$"Haunt:Peers:{peer}"] = string.Join(',', gateways.Select(g => g.ToString()));
        }

        for (var i = 0; i < auth.SigningKeys.Count; i++)
        {
            settings[$"Haunt:Auth:SigningKeys:{Number(i)}"] = auth.SigningKeys[i];
        }

        return settings;
    }

    /// <summary>TLS from the PEM files of <paramref name="tls"/> (none when null).</summary>
    public static Dictionary<string, string?> WithTls(this Dictionary<string, string?> settings, TlsSettings? tls)
    {
        if (tls is not null)
        {
            (settings["Haunt:Tls:Certificate"], settings["Haunt:Tls:Key"], settings["Haunt:Tls:Authority"]) = (tls.Certificate, tls.Key, tls.Authority);
        }

        return settings;
    }

    /// <summary>The settings as a configuration to build a silo from.</summary>
    public static IConfiguration ToConfiguration(this Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
