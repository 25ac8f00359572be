using Haunt.Tests.Storage;

namespace Haunt.Tests.Simulation;

/// <summary>The store contract on the simulation's in-memory store: what the seeded schedules run on behaves as the SQL store.</summary>
public sealed class InMemoryRegionalStoreContract : RegionalStoreContract
{
    protected override async Task<(IRegionalStore Store, IAsyncDisposable Owner)> OpenAsync(TimeProvider time)
    {
        var store = new InMemoryRegionalStore(KnownRegions.Osaka, () => time.GetUtcNow().ToUnixTimeMilliseconds());
        await store.InitializeAsync();
        return (store, store);
    }
}
