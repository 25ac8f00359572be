namespace Haunt.Tests.Cluster;

/// <summary>A test's data folder removed after it, SQLite's pooled connections to its files released first.</summary>
public static class DataFolder
{
    public static void Delete(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a late finalizer must not fail the run; the folder is in /tmp.
        }
    }
}
