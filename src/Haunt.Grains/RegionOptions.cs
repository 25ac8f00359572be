namespace Haunt.Grains;

/// <summary>Where a regional silo keeps its data.</summary>
public sealed class RegionOptions
{
    /// <summary>This silo's region, one of <see cref="Regions"/>; also the silo's name.</summary>
    public string Region { get; set; } = "";

    /// <summary>The deployment's regions in rank order (Haunt:Regions; default osaka, seoul, nyc), the same in every region.</summary>
    public IReadOnlyList<string> Regions { get; set; } = RegionSet.Default.All;

    /// <summary>The primary region (Haunt:PrimaryRegion; default the first of Regions).</summary>
    public string? PrimaryRegion { get; set; }

    public RegionSet ToRegionSet() => new(Regions, PrimaryRegion);

    /// <summary>
    /// Haunt:Join: this region starts empty to be added to a running deployment (an operator adds it through any
    /// region's POST /api/sync/membership/regions). It serves nothing until admitted and caught up.
    /// </summary>
    public bool Join { get; set; }

    /// <summary>Folder of the regional SQLite file (&lt;region&gt;.db).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// A PostgreSQL connection string: when set, the region's store is the schema haunt_&lt;region&gt; of that
    /// database instead of the SQLite file.
    /// </summary>
    public string? StorePostgres { get; set; }

    public Haunt.Storage.Sql.SqlRegionalStore OpenStore(TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null) => string.IsNullOrWhiteSpace(StorePostgres)
        ? RegionalStores.Sqlite(Region, Path.Combine(DataDirectory, $"{Region}.db"), time, logger, ToRegionSet())
        : RegionalStores.Postgres(Region, StorePostgres, time, logger: logger, regions: ToRegionSet());
}
