using Microsoft.Data.Sqlite;
using Npgsql;

namespace Haunt.Silo.Hosting;

/// <summary>
/// Where a region's cluster keeps Orleans membership and reminders: its own SQLite file, or its own schema
/// (orleans_&lt;region&gt;) of a PostgreSQL database. Never shared between regions: a region's reminder service
/// reads every reminder of the service id in its tables, and a region must never see another's silos.
/// The scripts (sql/*/orleans) are idempotent, so every silo runs them at start.
/// </summary>
public static class ClusterDatabase
{
    /// <summary>The region's cluster file when none is configured.</summary>
    public static string DefaultPath(string dataDirectory, string region) => Path.Combine(dataDirectory, $"{region}.cluster.db");

    /// <summary>
    /// The region's PostgreSQL cluster connection: as given when it names a Search Path (its own schema or
    /// database), otherwise the schema orleans_&lt;region&gt; of that database.
    /// </summary>
    public static string ForRegionPostgres(string connectionString, string region)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.SearchPath))
        {
            builder.SearchPath = RegionNames.IsWellFormed(region)
                ? $"orleans_{region.Replace('-', '_')}"
                : throw new ArgumentException($"'{region}' is not a region name ({RegionNames.Rule}).", nameof(region));
        }

        return builder.ConnectionString;
    }

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();

    public static void EnsureCreated(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            // Three processes poll membership: WAL lets their reads run beside each other's writes.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        foreach (var script in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "sqlite", "orleans"), "*.sql").Order(StringComparer.Ordinal))
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = File.ReadAllText(script);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Creates (idempotently) the Orleans tables and queries in the region's PostgreSQL schema (the first of its Search Path).</summary>
    public static void EnsureCreatedPostgres(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7246187)", connection, transaction))
        {
            gate.ExecuteNonQuery(); // silos starting together must not race on CREATE TABLE IF NOT EXISTS
        }

        if (new NpgsqlConnectionStringBuilder(connectionString).SearchPath?.Split(',')[0].Trim() is { Length: > 0 } schema)
        {
            using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{schema.Replace("\"", "", StringComparison.Ordinal)}\"", connection, transaction);
            create.ExecuteNonQuery();
        }

        foreach (var script in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "postgres", "orleans"), "*.sql").Order(StringComparer.Ordinal))
        {
            using var command = new NpgsqlCommand(File.ReadAllText(script), connection, transaction);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Deletes a cluster's membership rows (a PostgreSQL cluster `up` owns: rows of an earlier run only slow the start).</summary>
    public static void ForgetMembersPostgres(string connectionString, string clusterId)
    {
        EnsureCreatedPostgres(connectionString);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            "DELETE FROM OrleansMembershipTable WHERE DeploymentId = @id; DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @id;", connection);
        command.Parameters.AddWithValue("id", clusterId);
        command.ExecuteNonQuery();
    }
}
