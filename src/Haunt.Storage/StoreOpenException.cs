namespace Haunt.Storage;

/// <summary>A region's store could not be opened (server unreachable, schema scripts failed, another writer holds it).</summary>
public sealed class StoreOpenException(string region, string location, Exception inner)
    : Exception($"Cannot open the {region} regional store ({location}): {inner.Message}", inner);
