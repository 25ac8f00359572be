using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Haunt.Silo.Hosting;
using Haunt.Silo.Load;

namespace Haunt.Silo.Cli;

/// <summary>
/// `up`: osaka, seoul and nyc on loopback (started one after another), trading load in all three, and a
/// per-region status line every second. With --for N it stops the load after N seconds, waits for the
/// regions to converge, prints a summary (and with --json a last line of JSON) and exits non-zero if they
/// did not converge.
/// </summary>
public static class UpCommand
{
    public static Command Create()
    {
        var forOption = new Option<int?>("--for") { Description = "Stop after N seconds, drain, report and exit." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the final summary as one JSON line." };
        var dataOption = new Option<string>("--data") { Description = "Data folder for the regional SQLite files.", DefaultValueFactory = _ => "data" };
        var rateOption = new Option<int>("--rate") { Description = "Trading writes per second per region.", DefaultValueFactory = _ => 100 };
        var command = new Command("up", "Run osaka, seoul and nyc on loopback with trading load and a live status view.")
        {
            forOption, jsonOption, dataOption, rateOption,
        };
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(forOption), parse.GetValue(jsonOption),
            parse.GetValue(dataOption)!, parse.GetValue(rateOption), cancel));
        return command;
    }

    private static async Task<int> RunAsync(int? seconds, bool json, string data, int rate, CancellationToken cancel)
    {
        var key = ClusterKeyFile.LoadOrCreate(data);
        var primaryPort = SiloEndpoints.DefaultFor(Region.Osaka).SiloPort;
        var silos = new Dictionary<string, WebApplication>();
        try
        {
            foreach (var region in Region.All)
            {
                var endpoints = SiloEndpoints.DefaultFor(region);
                var app = RegionalSilo.Build(new RegionalSiloSettings(region, data, endpoints, primaryPort, key));
                await app.StartAsync(cancel);
                silos[region] = app;
                Console.WriteLine($"{region,-6} silo up: API {endpoints.HttpUrl}/api/sync/ping");
            }

            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var loads = silos.Select((s, i) => new TradingLoad(s.Value.Services.GetRequiredService<IGrainFactory>(), s.Key, seed: i + 1)).ToList();
            var loadTasks = loads.Select(l => l.RunAsync(rate, stopLoad.Token)).ToList();
            var clock = Stopwatch.StartNew();
            while (!cancel.IsCancellationRequested && (seconds is null || clock.Elapsed < TimeSpan.FromSeconds(seconds.Value)))
            {
                await Task.Delay(1000, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
                if (!json)
                {
                    await PrintStatusAsync(silos, clock.Elapsed, loads.Sum(l => l.Writes));
                }
            }

            await stopLoad.CancelAsync();
            await Task.WhenAll(loadTasks);
            var snapshots = await WaitForConvergenceAsync(silos, TimeSpan.FromSeconds(60));
            var converged = Converged(snapshots);
            PrintSummary(snapshots, converged, json, loads.Sum(l => l.Writes), loads.Sum(l => l.Failures));
            return converged ? 0 : 1;
        }
        finally
        {
            foreach (var app in silos.Values.Reverse())
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<IReadOnlyList<RegionSnapshot>> SnapshotAsync(Dictionary<string, WebApplication> silos) =>
        await Task.WhenAll(silos.Select(s => RegionSnapshot.TakeAsync(s.Value.Services, s.Key)));

    private static bool Converged(IReadOnlyList<RegionSnapshot> snapshots) =>
        snapshots.Select(s => s.Digest).Distinct().Count() == 1 && snapshots.All(s => s.BacklogRows == 0 && s.Entities > 0);

    private static async Task<IReadOnlyList<RegionSnapshot>> WaitForConvergenceAsync(Dictionary<string, WebApplication> silos, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var snapshots = await SnapshotAsync(silos);
            if (Converged(snapshots) || deadline.Elapsed > timeout)
            {
                return snapshots;
            }

            await Task.Delay(200);
        }
    }

    private static async Task PrintStatusAsync(Dictionary<string, WebApplication> silos, TimeSpan elapsed, long writes)
    {
        var snapshots = await SnapshotAsync(silos);
        var line = string.Join("  |  ", snapshots.Select(s =>
            $"{s.Region,-5} entities {s.Entities,7}  backlog {s.BacklogRows,5}  lag p99 {s.LagP99Ms,6:0.0} ms  conflicts {s.Conflicts}"));
        Console.WriteLine($"[{elapsed:mm\\:ss}] writes {writes,7}  {line}  converged {(snapshots.Select(s => s.Digest).Distinct().Count() == 1 ? "yes" : "no")}");
    }

    private static void PrintSummary(IReadOnlyList<RegionSnapshot> snapshots, bool converged, bool json, long writes, long failures)
    {
        Console.WriteLine($"Stopped. {writes} writes ({failures} refused by trading rules). Converged: {(converged ? "yes" : "NO")}.");
        foreach (var s in snapshots)
        {
            Console.WriteLine($"  {s.Region,-6} entities {s.Entities,7}  digest {s.Digest[..16]}…  conflicts {s.Conflicts}");
        }

        if (json)
        {
            var summary = new
            {
                converged,
                regions = snapshots.ToDictionary(s => s.Region, s => new { entities = s.Entities, digest = s.Digest, conflicts = s.Conflicts }),
            };
            Console.WriteLine(JsonSerializer.Serialize(summary));
        }
    }
}
