using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

// Deployments of other region sets than the default three (issue 21): two regions, and four with a region the first
// release never knew. Each silo is configured with its set (Haunt:Regions), as a deployment would be.

public sealed class SqliteTwoRegionCluster() : ClusterFixture(StoreKind.Sqlite, regions: new RegionSet(["osaka", "seoul"]));

public sealed class SqliteFourRegionCluster() : ClusterFixture(StoreKind.Sqlite, regions: new RegionSet(["osaka", "seoul", "nyc", "frankfurt"]));

public sealed class PostgresTwoRegionCluster() : ClusterFixture(StoreKind.Postgres, regions: new RegionSet(["osaka", "seoul"]));

public sealed class PostgresFourRegionCluster() : ClusterFixture(StoreKind.Postgres, regions: new RegionSet(["osaka", "seoul", "nyc", "frankfurt"]));

[CollectionDefinition(Name)]
public sealed class SqliteTwoRegionCollection : ICollectionFixture<SqliteTwoRegionCluster>
{
    public const string Name = "two regions on SQLite";
}

[CollectionDefinition(Name)]
public sealed class SqliteFourRegionCollection : ICollectionFixture<SqliteFourRegionCluster>
{
    public const string Name = "four regions on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresTwoRegionCollection : ICollectionFixture<PostgresTwoRegionCluster>
{
    public const string Name = "two regions on PostgreSQL";
}

[CollectionDefinition(Name)]
public sealed class PostgresFourRegionCollection : ICollectionFixture<PostgresFourRegionCluster>
{
    public const string Name = "four regions on PostgreSQL";
}
