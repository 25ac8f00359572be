using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Haunt.LocalPostgres;

/// <summary>
/// The PostgreSQL server the tests and the bench use: the one HAUNT_TEST_POSTGRES names (a connection string of a
/// role that may create databases), otherwise a throwaway server started from Debian's binaries
/// (/usr/lib/postgresql/N/bin) in a temp folder on a free loopback port, stopped and its folder deleted when the
/// process that started it ends (by a <see cref="ServerReaper"/>). Each user makes databases of its own in it.
/// </summary>
public sealed class LocalPostgresServer
{
    public const string Variable = "HAUNT_TEST_POSTGRES";

    private readonly ServerReaper? _reaper;

    private LocalPostgresServer(string adminConnectionString, string origin, ServerReaper? reaper)
    {
        AdminConnectionString = adminConnectionString;
        Origin = origin;
        _reaper = reaper;
    }

    /// <summary>A connection string of a role that may create and drop databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where the server came from, for messages and the bench's results.</summary>
    public string Origin { get; }

    /// <summary>Why no server can be found or started here, or null when one can.</summary>
    public static string? Unavailable { get; } =
        Given is not null || FindBinaries() is not null
            ? null
            : $"No PostgreSQL here: set {Variable} to a connection string, or install Debian's postgresql package (initdb under /usr/lib/postgresql/<version>/bin).";

    private static string? Given => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given ? given : null;

    /// <param name="durable">
    /// False for tests: fsync off (they kill silos, never this server, and it makes CREATE DATABASE and commits cheap).
    /// True for the bench: the server's defaults (fsync and synchronous commit on), so no durability is traded for speed.
    /// </param>
    public static async Task<LocalPostgresServer> FindOrStartAsync(bool durable, CancellationToken cancellationToken = default)
    {
        if (Given is { } given)
        {
            return new LocalPostgresServer(given, $"the server {Variable} names", null);
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
            await RunAsync("chown", $"postgres {folder}", asRoot: false, cancellationToken);
        }

        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U haunt --auth=trust -E UTF8{(durable ? "" : " --no-sync")}", asRoot, cancellationToken);
        var settings = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=400{(durable ? "" : " -c fsync=off")}";
        await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {data} -o \"{settings}\" -l {Path.Combine(folder, "server.log")} -w -t 60 start", asRoot, cancellationToken);
        return new LocalPostgresServer($"Host=127.0.0.1;Port={port};Username=haunt;Database=postgres;Pooling=true",
            $"a throwaway server from {bin} ({(durable ? "fsync and synchronous commit on" : "fsync off")})", reaper);
    }

    /// <summary>Creates a fresh database named <paramref name="prefix"/> and a random suffix; returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE {name}", cancellationToken);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing whatever still uses it).</summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE)", cancellationToken);
    }

    /// <summary>Stops a server this process started and deletes its folder now (it would be at exit anyway).</summary>
    public void Stop() => _reaper?.Release();

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Folders of earlier runs whose server is stopped (a process killed before its reaper could finish).</summary>
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

    private static async Task RunAsync(string file, string arguments, bool asRoot, CancellationToken cancellationToken)
    {
        var start = asRoot
            ? new ProcessStartInfo(RunUser, $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await output} {await error}");
        }
    }
}
