namespace Haunt.Grains.Replication;

/// <summary>How long an entity grain may serve its cached state without looking at the store (section "Haunt:Replicas").</summary>
public sealed class ReplicaOptions
{
    /// <summary>
    /// A grain's cache is kept current by refreshes from the silo that committed a change; one that is lost (a
    /// silo that died with it in flight, a failed call) would leave the grain serving an old state. A read of a
    /// cache older than this reads the row again, so no loss outlives it.
    /// </summary>
    public TimeSpan MaxCacheAge { get; set; } = TimeSpan.FromSeconds(5);
}
