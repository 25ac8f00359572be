using Microsoft.Data.Sqlite;

namespace Haunt.Storage.Sqlite;

/// <summary>Applies the numbered scripts of sql/sqlite in order, each once, recorded in schema_migrations.</summary>
internal static class SqliteMigrator
{
    public static string ScriptsFolder(string dialect) => Path.Combine(AppContext.BaseDirectory, "sql", dialect);

    public static void Migrate(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at_ms INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var folder = ScriptsFolder("sqlite");
        var scripts = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList();
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts found in {folder}.");
        }

        foreach (var script in scripts)
        {
            var name = Path.GetFileName(script);
            using var transaction = connection.BeginTransaction();
            using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE name = $name";
            check.Parameters.AddWithValue("$name", name);
            if ((long)check.ExecuteScalar()! > 0)
            {
                continue;
            }

            using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = File.ReadAllText(script) +
                "\nINSERT INTO schema_migrations (name, applied_at_ms) VALUES ($name, $now);";
            apply.Parameters.AddWithValue("$name", name);
            apply.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            apply.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
