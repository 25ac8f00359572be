using System.Diagnostics;
using Haunt.LocalPostgres;

namespace Haunt.Bench;

/// <summary>
/// The unreplicated write path of one region with its store in PostgreSQL, for the PostgreSQL/SQLite ratio: on the
/// server --postgres names, else found or started the way the tests do (<see cref="LocalPostgresServer"/>, here with fsync and
/// synchronous commit on: no durability traded for speed). Says so, and measures nothing, where there is none.
/// </summary>
public static class PostgresPhase
{
    public static async Task<PostgresFigures> MeasureAsync(string folder, string region, int writers, TimeSpan phase, string? given)
    {
        if (given is null && LocalPostgresServer.Unavailable is { } reason)
        {
            BenchCommand.Log(reason);
            return new PostgresFigures("none", 0, reason);
        }

        var server = given is null ? await LocalPostgresServer.FindOrStartAsync(durable: true) : null;
        try
        {
            BenchCommand.Log($"PostgreSQL: {server?.Origin ?? "the server --postgres names"}");
            await using var single = await BenchCluster.StartAsync(folder, [region], replicate: false, portOffset: 25, given ?? server!.AdminConnectionString);
            var load = new LoadDriver(single);
            var clock = Stopwatch.StartNew();
            await load.ClosedLoopAsync(writers, phase);
            return new PostgresFigures(server?.Origin ?? "--postgres", load.Written / clock.Elapsed.TotalSeconds);
        }
        finally
        {
            server?.Stop();
        }
    }
}
