using System.Data.Common;

namespace Haunt.Storage.Sql;

/// <summary>Applies the numbered scripts of sql/&lt;dialect&gt; in order, each once, recorded in schema_migrations.</summary>
internal static class SchemaMigrator
{
    private static string ScriptsFolder(string dialect) => Path.Combine(AppContext.BaseDirectory, "sql", dialect);

    public static void Migrate(SqlDialect dialect, DbConnection connection)
    {
        dialect.BeforeMigrate(connection);
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at_ms BIGINT NOT NULL)");

        var folder = ScriptsFolder(dialect.Name);
        var scripts = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList() : [];
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts found in {folder}.");
        }

        foreach (var script in scripts)
        {
            var name = Path.GetFileName(script);
            using var transaction = connection.BeginTransaction();
            if (dialect.MigrationLock is { } gate)
            {
                Execute(connection, transaction, gate);
            }

            using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE name = @name";
                EntityRows.Add(check, "@name", name);
                if (Convert.ToInt64(check.ExecuteScalar()) > 0)
                {
                    continue;
                }
            }

            // A script and its record commit together: a crash mid-script leaves it to run again whole.
            Execute(connection, transaction, File.ReadAllText(script));
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (name, applied_at_ms) VALUES (@name, @now)";
                EntityRows.Add(record, "@name", name);
                EntityRows.Add(record, "@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
