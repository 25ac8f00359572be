namespace Haunt.Silo.Hosting;

/// <summary>
/// How the silos of one region find each other (each region is its own cluster): Localhost = Orleans
/// development clustering (`up` in-process, the benchmark, API tests); SqliteFile = ADO.NET membership and
/// reminders in the region's own SQLite cluster file; Postgres = the same in the region's PostgreSQL database.
/// </summary>
public enum ClusterMode { Localhost, SqliteFile, Postgres }
