using System.CommandLine;
using Haunt.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Haunt.Silo.Cli;

/// <summary>
/// `silo`: one silo of a region's own Orleans cluster (membership and reminders in the region's SQLite cluster
/// file or PostgreSQL schema), its store in a SQLite file or a PostgreSQL schema, and clients into the other
/// regions' clusters at Haunt:Peers. Settings come from appsettings.json, environment variables (Haunt__…) and
/// these flags, in increasing precedence.
/// </summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var region = new Option<string?>("--region") { Description = "This silo's region, one of Haunt:Regions (default osaka, seoul, nyc)." };
        var data = new Option<string?>("--data") { Description = "Data folder (regional store, default cluster file)." };
        var clusterDb = new Option<string?>("--cluster-db") { Description = "This region's SQLite cluster file (default <data>/<region>.cluster.db)." };
        var clusterPg = new Option<string?>("--cluster-postgres") { Description = "PostgreSQL connection string for this region's membership and reminders (schema orleans_<region> unless it sets Search Path)." };
        var storePg = new Option<string?>("--store-postgres") { Description = "PostgreSQL connection string for the regional store (schema haunt_<region>) instead of <data>/<region>.db." };
        var development = new Option<bool>("--development") { Description = "Generate a local sync key if none is configured." };
        var fast = new Option<bool>("--fast-failure-detection") { Description = "Declare killed silos dead within seconds." };
        var stdin = new Option<bool>("--stop-on-stdin-close") { Description = "Stop when standard input closes (a parent process went away)." };
        var siloIndex = new Option<int?>("--silo-index") { Description = "Which of the region's silos on this machine (0–9): default ports +100 per index." };
        var siloPort = new Option<int?>("--silo-port");
        var gatewayPort = new Option<int?>("--gateway-port");
        var httpPort = new Option<int?>("--http-port");
        var command = new Command("silo", "Run one regional silo process.") { region, data, clusterDb, clusterPg, storePg, development, fast, stdin, siloIndex, siloPort, gatewayPort, httpPort };
        command.SetAction(async (parse, cancel) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Haunt:Region"] = parse.GetValue(region),
                ["Haunt:DataDirectory"] = parse.GetValue(data),
                ["Haunt:ClusterDatabase"] = parse.GetValue(clusterDb),
                ["Haunt:ClusterPostgres"] = parse.GetValue(clusterPg),
                ["Haunt:StorePostgres"] = parse.GetValue(storePg),
                ["Haunt:Development"] = parse.GetValue(development) ? "true" : null,
                ["Haunt:FastFailureDetection"] = parse.GetValue(fast) ? "true" : null,
                ["Haunt:SiloIndex"] = parse.GetValue(siloIndex)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Haunt:SiloPort"] = parse.GetValue(siloPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Haunt:GatewayPort"] = parse.GetValue(gatewayPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Haunt:HttpPort"] = parse.GetValue(httpPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            using var parentGone = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            if (parse.GetValue(stdin))
            {
                _ = Task.Run(async () =>
                {
                    await Console.In.ReadToEndAsync(CancellationToken.None);
                    await parentGone.CancelAsync();
                }, CancellationToken.None);
            }

            return await RunAsync(overrides.Where(o => o.Value is not null).ToDictionary(), parentGone.Token);
        });
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string?> overrides, CancellationToken cancel)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        WebApplication app;
        try
        {
            app = await RegionalSilo.BuildAsync(configuration, cancellationToken: cancel);
        }
        catch (OptionsValidationException invalid)
        {
            return await RefuseAsync(invalid.Failures, 2);
        }

        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            await app.DisposeAsync();
            return await RefuseAsync([problem], 1);
        }

        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        var endpoints = options.Endpoints();
        var store = string.IsNullOrWhiteSpace(options.StorePostgres) ? "SQLite " + Path.Combine(Path.GetFullPath(options.DataDirectory), options.Region + ".db") : "PostgreSQL schema haunt_" + options.Region;
        Console.WriteLine($"{options.Region} silo up: cluster {RegionCluster.IdOf(options.Region)}, silo {endpoints.SiloPort}, gateway {endpoints.GatewayPort}, " +
            $"API {(options.Tls.Enabled ? "https" : "http")}://{options.AdvertisedHost}:{endpoints.HttpPort}{(options.Tls.Enabled ? " (TLS on the API and every Orleans connection)" : "")}, store {store}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C / SIGTERM: stop cleanly below.
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    private static async Task<int> RefuseAsync(IEnumerable<string> problems, int exitCode)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"haunt silo: {problem}");
        }

        return exitCode;
    }

    /// <summary>The store's own message, wherever Orleans wrapped it (grain activation, startup task, lifecycle).</summary>
    private static string? Problem(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is StoreOpenException)
            {
                return e.Message;
            }
        }

        return null;
    }
}
