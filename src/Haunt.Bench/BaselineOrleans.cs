using System.Diagnostics;
using System.Net;
using Haunt.Grains.Placement;
using Microsoft.Data.Sqlite;
using Orleans.Configuration;

namespace Haunt.Bench;

/// <summary>
/// What a user gets from plain Orleans for durable writes on one machine: ADO.NET grain storage on a SQLite
/// file as the stock scripts create it (rollback journal, synchronous FULL), many concurrent writers.
/// </summary>
public static class BaselineOrleans
{
    public const string StorageName = "baseline";

    public static async Task<double> MeasureAsync(string folder, TimeSpan duration, int writers, int ports)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "baseline-orleans.db");
        CreateDatabase(path);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports, ports + 1, new IPEndPoint(IPAddress.Loopback, ports), "baseline", "baseline");
            silo.AddAdoNetGrainStorage(StorageName, o =>
            {
                o.Invariant = "System.Data.SQLite";
                o.ConnectionString = $"Data Source={path}";
            });
            // Haunt's grains share this assembly; their placement needs its director even if never used here.
            silo.Services.AddPlacementDirector<RegionPlacementStrategy, RegionPlacementDirector>();
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            long done = 0;
            using var stop = new CancellationTokenSource(duration);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
            {
                var grain = grains.GetGrain<IBaselineCounterGrain>(w);
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await grain.IncrementAsync();
                        Interlocked.Increment(ref done);
                    }
                    catch (Exception ex) when (ex is TimeoutException or OrleansException)
                    {
                        // Under contention some writes wait on SQLite's lock past Orleans' 30 s timeout: not counted.
                    }
                }
            }));
            return done / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    private static void CreateDatabase(string path)
    {
        File.Delete(path);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        foreach (var script in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "sqlite", "orleans"), "*.sql").Order(StringComparer.Ordinal))
        {
            using var command = connection.CreateCommand();
            command.CommandText = File.ReadAllText(script);
            command.ExecuteNonQuery();
        }
    }
}
