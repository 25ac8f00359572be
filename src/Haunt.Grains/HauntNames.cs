namespace Haunt.Grains;

/// <summary>Provider, stream and reminder names, in one place.</summary>
public static class HauntNames
{
    public const string SyncStreamProvider = "haunt-sync";
    public const string SyncStreamNamespace = "haunt.sync";
    public const string PubSubStore = "PubSubStore";
    public const string KeepAliveReminder = "haunt.keep-alive";
    public const string ReconcileReminder = "haunt.reconcile";
}
