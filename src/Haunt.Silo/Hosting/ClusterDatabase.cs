using Microsoft.Data.Sqlite;
using Npgsql;

namespace Haunt.Silo.Hosting;

/// <summary>
/// The shared SQLite file that silo processes on one machine use for Orleans membership and reminders.
/// Its scripts (sql/sqlite/orleans) are idempotent, so every silo runs them at start.
/// </summary>
public static class ClusterDatabase
{
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

    /// <summary>Creates (idempotently) the Orleans tables and queries in a PostgreSQL database shared by hosts.</summary>
    public static void EnsureCreatedPostgres(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7246187)", connection, transaction))
        {
            gate.ExecuteNonQuery(); // silos starting together must not race on CREATE TABLE IF NOT EXISTS
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
