using Microsoft.Extensions.Logging;
using Haunt.Storage.Postgres;
using Haunt.Storage.Sql;
using Haunt.Storage.Sqlite;

namespace Haunt.Storage;

/// <summary>The two ways to keep a region's data: a SQLite file (embedded default) or a PostgreSQL schema.</summary>
public static class RegionalStores
{
    /// <summary>A SQLite store; <paramref name="regions"/> is the deployment's (default osaka, seoul, nyc).</summary>
    public static SqlRegionalStore Sqlite(string region, string path, TimeProvider time, ILogger? logger = null, RegionSet? regions = null) =>
        new(region, SqliteDialect.ForFile(path), time, logger, regions);

    /// <summary>A PostgreSQL store in schema haunt_&lt;region&gt; unless another is named; created if missing.</summary>
    public static SqlRegionalStore Postgres(string region, string connectionString, TimeProvider time, string? schema = null, ILogger? logger = null, RegionSet? regions = null) =>
        new(region, new PostgresDialect(connectionString, schema ?? PostgresDialect.DefaultSchema(region)), time, logger, regions);
}
