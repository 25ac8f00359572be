using Microsoft.Extensions.Logging;
using Haunt.Storage.Postgres;
using Haunt.Storage.Sql;
using Haunt.Storage.Sqlite;

namespace Haunt.Storage;

/// <summary>The two ways to keep a region's data: a SQLite file (embedded default) or a PostgreSQL schema.</summary>
public static class RegionalStores
{
    public static SqlRegionalStore Sqlite(string region, string path, TimeProvider time, ILogger? logger = null) =>
        new(region, SqliteDialect.ForFile(path), time, logger);

    /// <summary>A PostgreSQL store in schema haunt_&lt;region&gt; unless another is named; created if missing.</summary>
    public static SqlRegionalStore Postgres(string region, string connectionString, TimeProvider time, string? schema = null, ILogger? logger = null) =>
        new(region, new PostgresDialect(connectionString, schema ?? PostgresDialect.DefaultSchema(region)), time, logger);
}
