using Haunt.Grains.Replication;
using Haunt.Grains.Sync;
using Haunt.Trading;
using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
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
    public const string RegionsKey = "Haunt:Test:Regions";
    public const string DataDirectoryKey = "Haunt:Test:DataDirectory";
    public const string StorePostgresKey = "Haunt:Test:StorePostgres";
    public const string JoinKey = "Haunt:Test:Join";
    /// <summary>Haunt:Sync:InFlightGrace in the test silos.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(1);

    public const string ClusterKey = "aGF1bnQtdGVzdC1jbHVzdGVyLWtleS0zMi1ieXRlcy1sb25nISE=";

    public static string PeerKey(string peer) => $"Haunt:Test:Peers:{peer}";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var region = siloBuilder.Configuration[RegionKey]!;
        var regions = new RegionSet(siloBuilder.Configuration[RegionsKey]?.Split(',') ?? [.. RegionSet.Default.All]);
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddSingleton<TimeProvider>(new SkewableTime());
        siloBuilder.AddHaunt(
            r =>
            {
                r.Region = region;
                r.Regions = regions.All;
                r.DataDirectory = siloBuilder.Configuration[DataDirectoryKey]!;
                r.StorePostgres = siloBuilder.Configuration[StorePostgresKey];
                r.Join = siloBuilder.Configuration[JoinKey] == "true";
            },
            s =>
            {
                s.AckTimeout = TimeSpan.FromMilliseconds(500);
                s.MaxBackoff = TimeSpan.FromSeconds(2);
                s.MaxBacklogRows = 2000;
                // Tests ask for rounds right after they broke something: each must get a round of its own.
                s.MinReconcileInterval = TimeSpan.FromMilliseconds(200);
                // ...and digests of the state they just made (the API tests keep the default cache age).
                s.DigestMaxAge = TimeSpan.Zero;
                // A round leaves states this young to the live path; on loopback a second tells them apart, and a test
                // that breaks a store behind the protocol's back waits this long before its round (ReconciliationTests).
                s.InFlightGrace = InFlightGrace;
            },
            p =>
            {
                foreach (var peer in regions.PeersOf(region))
                {
                    p.Gateways[peer] = [.. siloBuilder.Configuration[PeerKey(peer)]!.Split(',').Select(port =>
                        new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)))];
                }

                // Quick to notice a cut peer and to find it back, so fault tests heal in seconds.
                p.ReconnectDelay = TimeSpan.FromMilliseconds(200);
            });
        siloBuilder.AddHauntTrading();
        siloBuilder.AddLinkFaults();
        // The sync keys come from a configuration of their own that tests rotate and reload (KeyRotationTests).
        var keys = new SyncKeySettings(ClusterKey);
        siloBuilder.Services.AddSingleton(keys);
        siloBuilder.Services.Configure<SyncOptions>(keys.Configuration.GetSection("Haunt:Sync"));
        WrapStore(siloBuilder.Services);
        WrapRefreshes(siloBuilder.Services);
        siloBuilder.Services.Configure<ReplicaOptions>(o => o.MaxCacheAge = TimeSpan.FromSeconds(1));
        siloBuilder.Services.AddSingleton<IPriceFeed>(sp => new SteerablePrices(sp.GetRequiredService<MarketFeed>()));
        // Resting orders come back after a deactivation within seconds, not Orleans' one-minute reminder minimum.
        siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        siloBuilder.Services.Configure<TradingOptions>(o => o.RestingOrderReminder = TimeSpan.FromSeconds(2));
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
        });
    }

    /// <summary>Puts <see cref="LossyRefreshClient"/> around the silo's refresh messages (a pass-through until a test marks an entity).</summary>
    private static void WrapRefreshes(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IReplicaRefreshClient));
        services.Remove(real);
        services.AddSingleton(sp => new LossyRefreshClient((IReplicaRefreshClient)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)));
        services.AddSingleton<IReplicaRefreshClient>(sp => sp.GetRequiredService<LossyRefreshClient>());
    }

    /// <summary>Puts <see cref="PausableStore"/> around the region's store (a pass-through until a test arms a pause).</summary>
    private static void WrapStore(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IRegionalStore));
        services.Remove(real);
        services.AddSingleton(sp => PausableStore.Wrap((IRegionalStore)real.ImplementationFactory!(sp)));
    }
}
