using Haunt.Trading;
using System.Net;
using System.Text.Json.Serialization;
using Haunt.Silo.Api;
using Haunt.Silo.Security;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;
using Scalar.AspNetCore;
using Haunt.Grains.Sync;
using Orleans.Configuration;

namespace Haunt.Silo.Hosting;

/// <summary>
/// How the silos of one region find each other (each region is its own cluster): Localhost = Orleans
/// development clustering (`up` in-process, the benchmark, API tests); SqliteFile = ADO.NET membership and
/// reminders in the region's own SQLite cluster file; Postgres = the same in the region's PostgreSQL database.
/// </summary>
public enum ClusterMode { Localhost, SqliteFile, Postgres }

/// <summary>
/// Settings for one regional silo process or in-process instance. <paramref name="Peers"/> are the gateways of
/// the other regions' clusters; <paramref name="PrimarySiloPort"/> (development clustering) 0 = this silo.
/// <paramref name="ClusterKey"/> signs sync batches unless <paramref name="Configuration"/> sets Haunt:Sync:ClusterKey.
/// <paramref name="Configuration"/> is the configuration the silo command read (its JSON files, the environment,
/// its flags): every option of the silo binds from it, and a reload of it reaches them.
/// </summary>
public sealed record RegionalSiloSettings(
    string Region,
    string DataDirectory,
    SiloEndpoints Endpoints,
    string ClusterKey,
    IReadOnlyDictionary<string, IReadOnlyList<IPEndPoint>> Peers,
    int PrimarySiloPort = 0,
    LogLevel LogLevel = LogLevel.Warning,
    Action<SyncOptions>? ConfigureSync = null,
    ClusterMode Mode = ClusterMode.Localhost,
    string? ClusterDatabasePath = null,
    string? ClusterPostgres = null,
    string AdvertisedHost = "127.0.0.1",
    bool FastFailureDetection = false,
    string? StorePostgres = null,
    Action<PeerOptions>? ConfigurePeers = null,
    AuthSettings? Auth = null,
    RateLimitSettings? RateLimits = null,
    LinkTls? Tls = null,
    Action<ISiloBuilder>? ConfigureSilo = null,
    IConfiguration? Configuration = null)
{
    /// <summary>This region's own cluster.</summary>
    public string ClusterId => RegionCluster.IdOf(Region);
}

/// <summary>
/// A silo of one region's own cluster, with its HTTP API co-hosted in the same process (ASP.NET Core +
/// Orleans), and its clients into the other regions' clusters.
/// </summary>
public static class RegionalSilo
{
    public static WebApplication Build(RegionalSiloSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (settings.Configuration is { } configuration)
        {
            // One configuration for the whole silo: what the command read comes last, so it wins.
            builder.Configuration.AddConfiguration(configuration);
        }

        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // Orleans' messaging and streams keep their warnings and errors: they are how an operator learns that a
        // silo of the region cannot reach another. Only the watchdog's warnings about slow timer turns, which a
        // loaded two-core machine gives all the time, are left out.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        // On loopback unless the silo advertises a routable address (containers, separate hosts); HTTPS with the
        // silo's certificate when TLS is on.
        var scheme = settings.Tls is null ? "http" : "https";
        builder.WebHost.UseUrls(settings.AdvertisedHost is "127.0.0.1" or "localhost"
            ? $"{scheme}://127.0.0.1:{settings.Endpoints.HttpPort}"
            : $"{scheme}://0.0.0.0:{settings.Endpoints.HttpPort}");
        if (settings.Tls is { } https)
        {
            builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out unless asked
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = https.Certificate));
        }

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, settings);
            if (settings.Tls is { } tls)
            {
                // Every Orleans connection of the silo: its region's other silos, clients at its gateway, and (below) its peer clients.
                silo.UseTls(tls.Certificate, tls.Configure);
                silo.Services.AddSingleton(tls);
            }

            silo.AddDashboard();
            silo.AddHaunt(
                r => { r.Region = settings.Region; r.DataDirectory = settings.DataDirectory; r.StorePostgres = settings.StorePostgres; },
                s =>
                {
                    // A key in the configuration wins (and rotates when the configuration reloads).
                    s.ClusterKey = string.IsNullOrWhiteSpace(s.ClusterKey) ? settings.ClusterKey : s.ClusterKey;
                    settings.ConfigureSync?.Invoke(s);
                },
                p =>
                {
                    foreach (var (peer, gateways) in settings.Peers)
                    {
                        p.Gateways[peer] = gateways;
                    }

                    p.Tls = settings.Tls;

                    settings.ConfigurePeers?.Invoke(p);
                });
            silo.AddHauntTrading();
            settings.ConfigureSilo?.Invoke(silo);
        });

        builder.Services.AddHauntAuthentication(settings.Auth ?? throw new ArgumentException("A silo's HTTP API needs its token settings (Auth).", nameof(settings)));
        builder.Services.AddHauntRateLimits(settings.RateLimits ?? new RateLimitSettings());
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddHauntOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // Request bodies here are small JSON documents: anything bigger is refused with 413 before it is read.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHauntAuthentication();
        app.UseRateLimiter();
        // The sync console at /: static files shipped next to the program (no CDN, works offline). The page holds no
        // data, so it is served to anyone; everything it shows comes from /api/sync/*, which wants the operator role.
        var page = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "console"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        app.MapOpenApi().RequireAuthorization(HauntPolicies.Operator);
        app.MapScalarApiReference().RequireAuthorization(HauntPolicies.Operator);
        app.MapOrleansDashboard(routePrefix: ApiDocument.DashboardRoute).RequireAuthorization(HauntPolicies.Operator);
        app.MapSyncApi();
        app.MapTradingApi();
        return app;
    }

    private static void ConfigureClustering(ISiloBuilder silo, RegionalSiloSettings settings)
    {
        if (settings.Mode == ClusterMode.Localhost)
        {
            silo.UseLocalhostClustering(settings.Endpoints.SiloPort, settings.Endpoints.GatewayPort,
                new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort == 0 ? settings.Endpoints.SiloPort : settings.PrimarySiloPort),
                serviceId: RegionCluster.ServiceId, clusterId: settings.ClusterId);
            silo.UseInMemoryReminderService();
        }
        else
        {
            var (invariant, connection) = settings.Mode == ClusterMode.Postgres
                ? ("Npgsql", settings.ClusterPostgres ?? throw new InvalidOperationException("A PostgreSQL connection string is required."))
                : ("System.Data.SQLite", ClusterDatabase.ConnectionString(settings.ClusterDatabasePath ?? throw new InvalidOperationException("A SQLite cluster file is required.")));
            if (settings.Mode == ClusterMode.Postgres)
            {
                ClusterDatabase.EnsureCreatedPostgres(connection);
            }
            else
            {
                ClusterDatabase.EnsureCreated(settings.ClusterDatabasePath!);
            }

            silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = RegionCluster.ServiceId; });
            var advertised = IPAddress.TryParse(settings.AdvertisedHost, out var ip) ? ip : Dns.GetHostAddresses(settings.AdvertisedHost).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            silo.ConfigureEndpoints(advertised, settings.Endpoints.SiloPort, settings.Endpoints.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            silo.UseAdoNetClustering(o => { o.Invariant = invariant; o.ConnectionString = connection; });
            silo.UseAdoNetReminderService(o => { o.Invariant = invariant; o.ConnectionString = connection; });
        }

        if (settings.FastFailureDetection)
        {
            // Tests kill silo processes: declare them dead in seconds rather than a minute.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        }
    }
}
