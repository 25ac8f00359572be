using Haunt.Storage.Sql;
using Haunt.Tests.Dialects;
using Npgsql;

namespace Haunt.Tests.Storage;

/// <summary>
/// A real regional store of a throwaway location: a Guid-named SQLite file (deleted with -wal/-shm afterwards)
/// or a Guid-named schema in the test run's PostgreSQL database (dropped afterwards).
/// </summary>
public sealed class TempStore : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> PostgresDatabase = new(async () => await (await PostgresServer.GetAsync()).CreateDatabaseAsync());

    private readonly StoreKind _kind;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly string _location;
    private readonly string? _connectionString;

    private TempStore(StoreKind kind, string region, TimeProvider time, string? connectionString)
    {
        (_kind, _region, _time, _connectionString) = (kind, region, time, connectionString);
        _location = kind == StoreKind.Sqlite
            ? Path.Combine(Path.GetTempPath(), $"haunt-{Guid.NewGuid():N}.db")
            : "t_" + Guid.NewGuid().ToString("N")[..16];
        Store = Open();
    }

    public SqlRegionalStore Store { get; private set; }

    /// <summary>The file path (SQLite) or schema name (PostgreSQL).</summary>
    public string Location => _location;

    /// <summary>The PostgreSQL database's connection string (null for SQLite).</summary>
    public string? ConnectionString => _connectionString;

    public static async Task<TempStore> OpenAsync(StoreKind kind, string region = KnownRegions.Osaka, TimeProvider? time = null)
    {
        var connectionString = kind == StoreKind.Postgres ? await PostgresDatabase.Value : null;
        var temp = new TempStore(kind, region, time ?? TimeProvider.System, connectionString);
        await temp.Store.InitializeAsync();
        return temp;
    }

    /// <summary>
    /// A store whose file or schema holds the schema scripts up to and including <paramref name="lastScript"/> only, as
    /// a release that had no later ones left it, and is not initialized: plant rows with <see cref="ExecuteAsync"/>,
    /// then initialize <see cref="Store"/> to migrate it the rest of the way.
    /// </summary>
    public static async Task<TempStore> AsOfAsync(StoreKind kind, string lastScript, string region = KnownRegions.Osaka)
    {
        var connectionString = kind == StoreKind.Postgres ? await PostgresDatabase.Value : null;
        var temp = new TempStore(kind, region, TimeProvider.System, connectionString);
        if (kind == StoreKind.Postgres)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {temp._location}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var folder = Path.Combine(AppContext.BaseDirectory, "sql", kind == StoreKind.Sqlite ? "sqlite" : "postgres");
        await temp.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at_ms BIGINT NOT NULL)");
        foreach (var script in Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).Where(s => string.CompareOrdinal(Path.GetFileName(s), lastScript) <= 0))
        {
            await temp.ExecuteAsync(await File.ReadAllTextAsync(script));
            await temp.ExecuteAsync($"INSERT INTO schema_migrations (name, applied_at_ms) VALUES ('{Path.GetFileName(script)}', 0)");
        }

        return temp;
    }

    /// <summary>Closes the store and opens the same file or schema again, as a restarted silo does.</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = Open();
        await Store.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_kind == StoreKind.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_location + suffix);
            }

            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_location} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one statement on the store's file or schema directly, past the store (to plant rows an older release wrote).</summary>
    public async Task ExecuteAsync(string sql)
    {
        if (_kind == StoreKind.Sqlite)
        {
            await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_location}");
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var statement = new NpgsqlCommand($"SET search_path TO {_location}; {sql}", connection);
        await statement.ExecuteNonQueryAsync();
    }

    /// <summary>A second store on the same file or schema, initialized: the store of a second silo of the same region.</summary>
    public async Task<SqlRegionalStore> OpenSecondAsync()
    {
        var second = Open();
        await second.InitializeAsync();
        return second;
    }

    private SqlRegionalStore Open() => _kind == StoreKind.Sqlite
        ? RegionalStores.Sqlite(_region, _location, _time)
        : RegionalStores.Postgres(_region, _connectionString!, _time, _location);
}
