using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

/// <summary>The store contract on the product's SQL store over a throwaway PostgreSQL schema (skipped where PostgreSQL is absent, as the other store tests).</summary>
public sealed class PostgresRegionalStoreContract : RegionalStoreContract
{
    public PostgresRegionalStoreContract() => StoreKinds.SkipIfUnavailable(StoreKind.Postgres);

    protected override async Task<(IRegionalStore Store, IAsyncDisposable Owner)> OpenAsync(TimeProvider time)
    {
        var temp = await TempStore.OpenAsync(StoreKind.Postgres, KnownRegions.Osaka, time);
        return (temp.Store, temp);
    }
}
