using Haunt.Sync;

namespace Haunt.Grains;

/// <summary>What every replicated entity grain offers the sync layer.</summary>
[Alias("haunt.IReplicaGrain")]
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Tells an active grain that its row changed underneath it (a remote change or a multi-entity local
    /// commit) so it never serves stale state. Interleaves: it only swaps in a newer version.
    /// </summary>
    [Alias("RefreshAsync"), AlwaysInterleave]
    Task RefreshAsync(EntityState state);

    /// <summary>The stored state with its replication metadata, or null if never written here.</summary>
    [Alias("GetStateAsync")]
    Task<EntityState?> GetStateAsync();
}
