using Haunt.Grains.Sync;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Makes a TestCluster's silo a region's silo: its region, store, peers (the other regions' gateways on
/// loopback) come from the test cluster's properties; restarts keep them, so a restarted silo reopens its
/// region's SQLite file or PostgreSQL schema and reconnects to its peers.
/// </summary>
public sealed class HauntSiloConfigurator : ISiloConfigurator
{
    public const string RegionKey = "Haunt:Test:Region";
    public const string DataDirectoryKey = "Haunt:Test:DataDirectory";
    public const string StorePostgresKey = "Haunt:Test:StorePostgres";
    public const string ClusterKey = "aGF1bnQtdGVzdC1jbHVzdGVyLWtleS0zMi1ieXRlcy1sb25nISE=";

    public static string PeerKey(string peer) => $"Haunt:Test:Peers:{peer}";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var region = siloBuilder.Configuration[RegionKey]!;
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddSingleton<TimeProvider>(new SkewableTime());
        siloBuilder.AddHaunt(
            r =>
            {
                r.Region = region;
                r.DataDirectory = siloBuilder.Configuration[DataDirectoryKey]!;
                r.StorePostgres = siloBuilder.Configuration[StorePostgresKey];
            },
            s =>
            {
                s.ClusterKey = ClusterKey;
                s.AckTimeout = TimeSpan.FromMilliseconds(500);
                s.MaxBackoff = TimeSpan.FromSeconds(2);
                s.MaxBacklogRows = 2000;
            },
            p =>
            {
                foreach (var peer in KnownRegions.PeersOf(region))
                {
                    p.Gateways[peer] = [.. siloBuilder.Configuration[PeerKey(peer)]!.Split(',').Select(port =>
                        new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)))];
                }

                // Quick to notice a cut peer and to find it back, so fault tests heal in seconds.
                p.ReconnectDelay = TimeSpan.FromMilliseconds(200);
            });
        WrapStore(siloBuilder.Services);
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
        });
    }

    /// <summary>Puts <see cref="PausableStore"/> around the region's store (a pass-through until a test arms a pause).</summary>
    private static void WrapStore(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IRegionalStore));
        services.Remove(real);
        services.AddSingleton(sp => PausableStore.Wrap((IRegionalStore)real.ImplementationFactory!(sp)));
    }
}
