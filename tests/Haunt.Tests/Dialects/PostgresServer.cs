using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Haunt.Tests.Dialects;

/// <summary>
/// The PostgreSQL server of a test run: HAUNT_TEST_POSTGRES when set (a connection string of a role that may
/// create databases), otherwise a throwaway server started from Debian's binaries (/usr/lib/postgresql/N/bin)
/// in a temp folder on a free loopback port, stopped and its folder deleted when the run ends (by a
/// <see cref="ServerReaper"/>). Each fixture gets a database of its own. Where neither exists the PostgreSQL
/// tests are skipped with the reason — except under CI=true, where a missing server fails the run (CI installs
/// PostgreSQL, so a skip there would hide a broken install).
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailableReason();

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "haunt_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing whatever still uses it).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? FindUnavailableReason()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("HAUNT_TEST_POSTGRES")) || FindBinaries() is not null)
        {
            return null;
        }

        const string reason = "No PostgreSQL here: set HAUNT_TEST_POSTGRES to a connection string, or install Debian's postgresql package (initdb under /usr/lib/postgresql/<version>/bin).";
        return InCi ? throw new InvalidOperationException("CI=true but " + reason) : reason;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("HAUNT_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return new PostgresServer(given);
        }

        var bin = FindBinaries() ?? throw new InvalidOperationException(Unavailable);
        RemoveStoppedServers();
        var folder = Path.Combine(Path.GetTempPath(), "haunt-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(folder);
        var port = FreePort();
        // initdb refuses to run as root: there, the server runs as Debian's postgres user.
        var asRoot = Environment.UserName == "root";
        // Armed before the server exists, so a failed start is cleaned up too.
        string[] stop = [Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"];
        var reaper = ServerReaper.Start(folder, asRoot ? [RunUser, "-u", "postgres", "--", .. stop] : stop);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => reaper.Release();
        if (asRoot)
        {
            await RunAsync("chown", $"postgres {folder}", asRoot: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U haunt --auth=trust -E UTF8 --no-sync", asRoot);
        // fsync off: the tests kill silos, never this server, and it makes CREATE DATABASE and commits cheap.
        var settings = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400";
        await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {data} -o \"{settings}\" -l {Path.Combine(folder, "server.log")} -w -t 60 start", asRoot);
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=haunt;Database=postgres;Pooling=true");
    }

    /// <summary>Folders of earlier runs whose server is stopped (a test host killed before its exit handler ran).</summary>
    private static void RemoveStoppedServers()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "haunt-pg-*"))
        {
            if (!File.Exists(Path.Combine(stale, "data", "postmaster.pid")))
            {
                try
                {
                    Directory.Delete(stale, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another run's server is just starting or stopping there.
                }
            }
        }
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RunUser => File.Exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser";

    private static async Task RunAsync(string file, string arguments, bool asRoot)
    {
        var start = asRoot
            ? new ProcessStartInfo(RunUser, $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await output} {await error}");
        }
    }
}
