using System.Net;
using Haunt.Grains.Sync;
using Orleans.Configuration;

namespace Haunt.Silo.Hosting;

/// <summary>Settings for one regional silo process or in-process instance.</summary>
public sealed record RegionalSiloSettings(
    string Region,
    string DataDirectory,
    SiloEndpoints Endpoints,
    int PrimarySiloPort,
    string ClusterKey,
    string ClusterId = "haunt",
    LogLevel LogLevel = LogLevel.Warning,
    Action<SyncOptions>? ConfigureSync = null);

/// <summary>
/// One region = one silo with its sync API co-hosted in the same process (ASP.NET Core + Orleans).
/// </summary>
public static class RegionalSilo
{
    public static WebApplication Build(RegionalSiloSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // Stream pulling agents log every failed poll while peers are still starting or are down; the sync
        // layer counts and reports undelivered batches itself.
        builder.Logging.AddFilter("Orleans.Streams", LogLevel.Critical);
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical);
        builder.WebHost.UseUrls(settings.Endpoints.HttpUrl);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                settings.Endpoints.SiloPort,
                settings.Endpoints.GatewayPort,
                new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort),
                serviceId: "haunt",
                clusterId: settings.ClusterId);
            silo.UseInMemoryReminderService();
            silo.AddHaunt(
                r => { r.Region = settings.Region; r.DataDirectory = settings.DataDirectory; },
                s =>
                {
                    s.ClusterKey = settings.ClusterKey;
                    settings.ConfigureSync?.Invoke(s);
                });
        });

        var app = builder.Build();
        app.MapGet("/api/sync/ping", () => TypedResults.Ok(new { region = settings.Region }));
        return app;
    }
}
