namespace Haunt.Grains.Replication;

/// <summary>How long an entity grain may serve its cached state without looking at the store, and wait for a handover (section "Haunt:Replicas").</summary>
public sealed class ReplicaOptions
{
    /// <summary>
    /// A grain's cache is kept current by refreshes from the silo that committed a change; one that is lost (a
    /// silo that died with it in flight, a failed call) would leave the grain serving an old state. A read of a
    /// cache older than this reads the row again, so no loss outlives it.
    /// </summary>
    public TimeSpan MaxCacheAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a write of a strong entity whose home region is leaving waits here for that region's handover (the
    /// entity written again with its new home, replicated here) before it is refused with a 503 to retry.
    /// </summary>
    public TimeSpan HandoverWait { get; set; } = TimeSpan.FromSeconds(10);
}
