using Haunt.Grains.Sync;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Turns TestCluster's silos into regions: "Primary" → osaka, "Secondary_1" → seoul, "Secondary_2" → nyc
/// (restarts keep the name, so a restarted silo reopens its region's SQLite file or PostgreSQL schema).
/// </summary>
public sealed class HauntSiloConfigurator : ISiloConfigurator
{
    public const string DataDirectoryKey = "Haunt:Test:DataDirectory";
    public const string StorePostgresKey = "Haunt:Test:StorePostgres";
    public const string ClusterKey = "aGF1bnQtdGVzdC1jbHVzdGVyLWtleS0zMi1ieXRlcy1sb25nISE=";

    public static string RegionOf(string siloName) => siloName switch
    {
        "Primary" => KnownRegions.Osaka,
        "Secondary_1" => KnownRegions.Seoul,
        "Secondary_2" => KnownRegions.Nyc,
        _ => throw new InvalidOperationException($"No region for test silo '{siloName}'."),
    };

    public void Configure(ISiloBuilder siloBuilder)
    {
        var region = siloBuilder.Configuration["Haunt:Test:Region"] ?? RegionOf(siloBuilder.Configuration["Orleans:Name"]!);
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
