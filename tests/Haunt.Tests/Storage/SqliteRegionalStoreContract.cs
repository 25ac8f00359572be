using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

/// <summary>The store contract on the product's SQL store over a throwaway SQLite file.</summary>
public sealed class SqliteRegionalStoreContract : RegionalStoreContract
{
    protected override async Task<(IRegionalStore Store, IAsyncDisposable Owner)> OpenAsync(TimeProvider time)
    {
        var temp = await TempStore.OpenAsync(StoreKind.Sqlite, KnownRegions.Osaka, time);
        return (temp.Store, temp);
    }
}
