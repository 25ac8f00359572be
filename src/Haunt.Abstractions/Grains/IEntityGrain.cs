using Haunt.Abstractions.Entities;
using Haunt.Abstractions.Sync;

namespace Haunt.Abstractions.Grains;

/// <summary>
/// A replicated entity of type <typeparamref name="T"/>, keyed "&lt;region&gt;/&lt;entityId&gt;" and active only on
/// a silo of that region. Reads are local. Whether callers may write it directly is a separate interface
/// (<see cref="IWritableEntityGrain{T}"/>): orders, positions and trades are written only by their portfolio.
/// </summary>
[Alias("haunt.IEntityGrain`1")]
public interface IEntityGrain<T> : IReplicaGrain where T : class, IEntity
{
    /// <summary>The current value, or null if it does not exist or was deleted.</summary>
    [Alias("GetAsync")]
    Task<T?> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>An entity that callers write directly; writes commit with their outbox row and replicate.</summary>
[Alias("haunt.IWritableEntityGrain`1")]
public interface IWritableEntityGrain<T> : IEntityGrain<T> where T : class, IEntity
{
    /// <summary>Creates or replaces the value. Strong entities are forwarded to their home region.</summary>
    [Alias("PutAsync"), PeerCallable(ForwardedWrite = true)]
    Task<EntityState> PutAsync(T value);

    /// <summary>Deletes (a tombstone that replicates like any change).</summary>
    [Alias("DeleteAsync"), PeerCallable(ForwardedWrite = true)]
    Task<EntityState?> DeleteAsync();
}
