using System.Data.Common;

namespace Haunt.Storage.Sql;

/// <summary>Applies the numbered scripts of sql/&lt;dialect&gt; in order, each once, recorded in schema_migrations.</summary>
internal static class SchemaMigrator
{
    private static string ScriptsFolder(string dialect) => Path.Combine(AppContext.BaseDirectory, "sql", dialect);

    public static async Task MigrateAsync(SqlDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        await dialect.BeforeMigrateAsync(connection, cancellationToken);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at_ms BIGINT NOT NULL)", cancellationToken);

        var folder = ScriptsFolder(dialect.Name);
        var scripts = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList() : [];
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts found in {folder}.");
        }

        foreach (var script in scripts)
        {
            var name = Path.GetFileName(script);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (dialect.MigrationLock is { } gate)
            {
                await ExecuteAsync(connection, transaction, gate, cancellationToken);
            }

            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE name = @name";
                EntityRows.Add(check, "@name", name);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    continue;
                }
            }

            // A script and its record commit together: a crash mid-script leaves it to run again whole.
            await ExecuteAsync(connection, transaction, await File.ReadAllTextAsync(script, cancellationToken), cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (name, applied_at_ms) VALUES (@name, @now)";
                EntityRows.Add(record, "@name", name);
                EntityRows.Add(record, "@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
