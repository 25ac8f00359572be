using Haunt.Storage.Sql;

namespace Haunt.Tests.Storage;

/// <summary>A real SQLite regional store in a Guid-named temp file, deleted (with -wal/-shm) afterwards.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"haunt-{Guid.NewGuid():N}.db");

    private TempStore(string region, TimeProvider time) => Store = RegionalStores.Sqlite(region, _path, time);

    public SqlRegionalStore Store { get; }

    public static async Task<TempStore> OpenAsync(string region = Region.Osaka, TimeProvider? time = null)
    {
        var temp = new TempStore(region, time ?? TimeProvider.System);
        await temp.Store.InitializeAsync();
        return temp;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}
