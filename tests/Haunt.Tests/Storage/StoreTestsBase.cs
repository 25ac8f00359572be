using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

/// <summary>Base of the store test classes: one engine per subclass, skipped (outside CI) where it is absent.</summary>
public abstract class StoreTestsBase
{
    protected StoreTestsBase(StoreKind kind)
    {
        Kind = kind;
        StoreKinds.SkipIfUnavailable(kind);
    }

    protected StoreKind Kind { get; }

    protected Task<TempStore> OpenAsync(string region = KnownRegions.Osaka) => TempStore.OpenAsync(Kind, region);
}
