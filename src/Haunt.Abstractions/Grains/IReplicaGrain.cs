using Haunt.Abstractions.Sync;
using Haunt.Abstractions.Versioning;

namespace Haunt.Abstractions.Grains;

/// <summary>What every replicated entity grain offers the sync layer.</summary>
[Alias("haunt.IReplicaGrain")]
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Tells an active grain that its row changed underneath it (a remote change or a multi-entity local
    /// commit) to version <paramref name="changed"/>: a grain whose cache is older reads its row again from the
    /// store. A caller can make a grain re-read, never hand it a state. Interleaves: it only swaps in a newer version.
    /// </summary>
    [Alias("RefreshAsync"), AlwaysInterleave]
    Task RefreshAsync(VersionVector changed);

    /// <summary>The stored state with its replication metadata, or null if never written here.</summary>
    [Alias("GetStateAsync")]
    Task<EntityState?> GetStateAsync(CancellationToken cancellationToken = default);
}
