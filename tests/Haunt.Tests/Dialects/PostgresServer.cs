using Haunt.LocalPostgres;

namespace Haunt.Tests.Dialects;

/// <summary>
/// The PostgreSQL server of a test run (<see cref="LocalPostgresServer"/>: HAUNT_TEST_POSTGRES, or a throwaway server with
/// fsync off, gone when the run ends). Each fixture gets a database of its own. Where there is none the PostgreSQL
/// tests are skipped with the reason — except under CI=true, where a missing server fails the run (CI installs
/// PostgreSQL, so a skip there would hide a broken install).
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(async () => new PostgresServer(await LocalPostgresServer.FindOrStartAsync(durable: false)));

    private readonly LocalPostgresServer _server;

    private PostgresServer(LocalPostgresServer server) => _server = server;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Unavailable { get; } = LocalPostgresServer.Unavailable is { } reason && InCi ? throw new InvalidOperationException("CI=true but " + reason) : LocalPostgresServer.Unavailable;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public Task<string> CreateDatabaseAsync() => _server.CreateDatabaseAsync("haunt_test_");

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing whatever still uses it).</summary>
    public Task DropDatabaseAsync(string connectionString) => _server.DropDatabaseAsync(connectionString);
}
