namespace Haunt.Grains;

/// <summary>Where a regional silo keeps its data.</summary>
public sealed class RegionOptions
{
    /// <summary>osaka, seoul or nyc; also the silo's name.</summary>
    public string Region { get; set; } = "";

    /// <summary>Folder of the regional SQLite file (&lt;region&gt;.db).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// A PostgreSQL connection string: when set, the region's store is the schema haunt_&lt;region&gt; of that
    /// database instead of the SQLite file.
    /// </summary>
    public string? StorePostgres { get; set; }

    public Haunt.Storage.Sql.SqlRegionalStore OpenStore(TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null) => string.IsNullOrWhiteSpace(StorePostgres)
        ? RegionalStores.Sqlite(Region, Path.Combine(DataDirectory, $"{Region}.db"), time, logger)
        : RegionalStores.Postgres(Region, StorePostgres, time, logger: logger);
}
