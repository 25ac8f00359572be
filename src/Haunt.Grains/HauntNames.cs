namespace Haunt.Grains;

/// <summary>Provider, stream and reminder names, in one place.</summary>
public static class HauntNames
{
    public const string SyncStreamProvider = "haunt-sync";
    public const string SyncStreamNamespace = "haunt.sync";

    /// <summary>Queues of the sync stream provider; a peer's client must map streams to queues as the region's silos do.</summary>
    public const int SyncStreamPartitions = 2;
    public const string PubSubStore = "PubSubStore";
    public const string KeepAliveReminder = "haunt.keep-alive";
    public const string ReconcileReminder = "haunt.reconcile";
}
