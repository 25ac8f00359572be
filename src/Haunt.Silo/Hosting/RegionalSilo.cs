using Haunt.Trading;
using System.Net;
using System.Text.Json.Serialization;
using Haunt.Silo.Api;
using Haunt.Silo.Security;
using Haunt.Silo.Telemetry;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;
using Scalar.AspNetCore;
using Haunt.Grains.Sync;
using Orleans.Configuration;
using Microsoft.Extensions.Options;

namespace Haunt.Silo.Hosting;

/// <summary>
/// A silo of one region's own cluster, with its HTTP API co-hosted in the same process (ASP.NET Core +
/// Orleans), and its clients into the other regions' clusters.
/// </summary>
public static partial class RegionalSilo
{
    /// <summary>
    /// Builds one silo from one configuration: its section Haunt (<see cref="SiloHostOptions"/>) says which region,
    /// where its data and peers are and how it is secured; every feature binds its own section of the same
    /// configuration (Haunt:Sync, Haunt:Replicas, Haunt:PeerLink, Haunt:Trading, Haunt:Telemetry, Logging), and a reload of it reaches
    /// them. Throws <see cref="OptionsValidationException"/> naming every bad setting at once: the silo's own, then
    /// (once they are all known) its features'. <paramref name="configureSilo"/> is where tests and the benchmark add
    /// their seams.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(IConfiguration configuration, Action<ISiloBuilder>? configureSilo = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // One configuration for the whole silo: what the caller read comes last, so it wins.
        builder.Configuration.AddConfiguration(configuration);
        var section = builder.Configuration.GetSection(SiloHostOptions.Section);
        var host = SiloHostOptionsValidator.Require(section.Get<SiloHostOptions>() ?? new SiloHostOptions());
        builder.Services.AddOptions<SiloHostOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
        var (peers, peerProblem) = await PeerAddresses.ResolveAsync(host.Region, host.ToRegionSet(), host.Peers, TimeSpan.FromSeconds(60), cancellationToken);
        if (peers is null)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SiloHostOptions), [peerProblem!]);
        }

        // Relative to where the silo was started; absolute from here on, so the paths it logs say where its files are.
        var data = Path.GetFullPath(host.DataDirectory);
        var endpoints = host.Endpoints();
        var tls = host.Tls.Load();

        // Warnings by default, the Orleans watchdog's errors only, JSON by Haunt:Telemetry:JsonLogs: all of it as
        // configuration that Logging:… in the caller's configuration overrides.
        builder.Configuration.AddHauntLoggingDefaults(builder.Logging, host.Telemetry);
        builder.Services.AddHauntTelemetry(host.Telemetry, host.Region, $"{host.Region}:{endpoints.SiloPort}");
        // On loopback unless the silo advertises a routable address (containers, separate hosts); HTTPS with the
        // silo's certificate when TLS is on. The scrape endpoint, when on, listens beside the API on a port of its own.
        var scheme = tls is null ? "http" : "https";
        var listen = host.AdvertisesLoopback ? "127.0.0.1" : "0.0.0.0";
        var metricsPort = host.Telemetry.MetricsPort(endpoints);
        builder.WebHost.UseUrls([$"{scheme}://{listen}:{endpoints.HttpPort}", .. host.Telemetry.Prometheus.Enabled ? [$"{scheme}://{listen}:{metricsPort}"] : Array.Empty<string>()]);
        if (tls is { } https)
        {
            builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out unless asked
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = https.Certificate));
        }

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, host, data, endpoints);
            if (tls is not null)
            {
                // Every Orleans connection of the silo: its region's other silos, clients at its gateway, and (below) its peer clients.
                silo.UseTls(tls.Certificate, tls.Configure);
                silo.Services.AddSingleton(tls);
            }

            silo.AddDashboard();
            if (host.Telemetry.Otlp.Endpoint is not null)
            {
                // The trace of a sampled request goes on into the grains it calls, so a write's change carries it to the peers.
                silo.AddSampledTracePropagation();
            }

            silo.AddHaunt(
                r => { r.Region = host.Region; r.Regions = host.RegionList; r.PrimaryRegion = host.PrimaryRegion; r.Join = host.Join; r.DataDirectory = data; r.StorePostgres = host.StorePostgres; },
                s =>
                {
                    // Only in development (validated above) is no key configured: then the one generated in the data
                    // folder. A configured key rotates when the configuration reloads.
                    if (string.IsNullOrWhiteSpace(s.ClusterKey))
                    {
                        s.ClusterKey = ClusterKeyFile.LoadOrCreate(data);
                    }
                },
                p =>
                {
                    foreach (var (peer, gateways) in peers)
                    {
                        p.Gateways[peer] = gateways;
                    }

                    p.Tls = tls;
                });
            silo.AddHauntTrading();
            configureSilo?.Invoke(silo);
        });

        builder.Services.AddHauntAuthentication(host.EffectiveAuth(data));
        builder.Services.AddHauntRateLimits(host.RateLimits);
        builder.Services.AddHauntHealthProbes();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<FeedSignal>();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddHauntOpenApi();
        // Enums by name only: a number ("side": 7) would bind to a value nobody defined, or to one the caller did not mean.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false)));
        // Request bodies here are small JSON documents: anything bigger is refused with 413 before it is read.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);

        var app = builder.Build();
        await ValidateFeaturesAsync(app);
        if (tls is null && !host.AdvertisesLoopback)
        {
            LogClearText(app.Logger, host.AdvertisedHost);
        }
        app.UseHauntMetricsEndpoint(host.Telemetry, metricsPort);
        app.UseHauntSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (host.Telemetry.Otlp.Endpoint is not null)
        {
            app.UseSampledTraceContext();
        }

        app.UseHauntAuthentication();
        app.UseRateLimiter();
        app.UseServingGate();
        // The sync console at /: static files shipped next to the program (no CDN, works offline). The page holds no
        // data; like every route it wants a signed-in caller (the fallback policy), and what it shows comes from /api/sync/*.
        var page = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "console"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        app.MapOpenApi().RequireAuthorization(HauntPolicies.Operator);
        app.MapScalarApiReference().RequireAuthorization(HauntPolicies.Operator);
        app.MapOrleansDashboard(routePrefix: ApiDocument.DashboardRoute).RequireAuthorization(HauntPolicies.Operator);
        app.MapHealthProbes();
        app.MapSyncApi();
        app.MapTradingApi();
        app.MapStrategyApi();
        app.MapChangeFeedApi();
        app.MapFeedCheckpointApi();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS is off on a silo advertised at '{Advertised}' (Haunt:Tls:Disabled, or development): its HTTP API and every Orleans connection are in clear text.")]
    private static partial void LogClearText(ILogger logger, string advertised);

    /// <summary>
    /// The features' options (ValidateOnStart), all checked now: the host would check them only after it built its
    /// hosted services, and the first constructor that reads a bad one (the peer clients, say) would name it alone.
    /// </summary>
    private static async Task ValidateFeaturesAsync(WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException)
        {
            await app.DisposeAsync();
            var failures = (ex is AggregateException all ? all.InnerExceptions : [ex]).SelectMany(e => e is OptionsValidationException invalid ? invalid.Failures : [e.Message]);
            throw new OptionsValidationException(Options.DefaultName, typeof(SiloHostOptions), failures);
        }
    }

    private static void ConfigureClustering(ISiloBuilder silo, SiloHostOptions host, string data, SiloEndpoints endpoints)
    {
        var clusterId = RegionCluster.IdOf(host.Region);
        var mode = host.EffectiveClustering;
        if (mode == ClusterMode.Localhost)
        {
            silo.UseLocalhostClustering(endpoints.SiloPort, endpoints.GatewayPort,
                new IPEndPoint(IPAddress.Loopback, host.PrimarySiloPort == 0 ? endpoints.SiloPort : host.PrimarySiloPort),
                serviceId: RegionCluster.ServiceId, clusterId: clusterId);
            silo.UseInMemoryReminderService();
        }
        else
        {
            string invariant, connection;
            if (mode == ClusterMode.Postgres)
            {
                (invariant, connection) = ("Npgsql", ClusterDatabase.ForRegionPostgres(host.ClusterPostgres!, host.Region));
                ClusterDatabase.EnsureCreatedPostgres(connection);
            }
            else
            {
                var path = host.ClusterDatabase ?? ClusterDatabase.DefaultPath(data, host.Region);
                (invariant, connection) = ("System.Data.SQLite", ClusterDatabase.ConnectionString(path));
                ClusterDatabase.EnsureCreated(path);
            }

            silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = RegionCluster.ServiceId; });
            var advertised = IPAddress.TryParse(host.AdvertisedHost, out var ip) ? ip : Dns.GetHostAddresses(host.AdvertisedHost).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            silo.ConfigureEndpoints(advertised, endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            silo.UseAdoNetClustering(o => { o.Invariant = invariant; o.ConnectionString = connection; });
            silo.UseAdoNetReminderService(o => { o.Invariant = invariant; o.ConnectionString = connection; });
        }

        if (host.FastFailureDetection)
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
