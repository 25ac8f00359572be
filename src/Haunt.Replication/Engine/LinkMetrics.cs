namespace Haunt.Replication.Engine;

/// <summary>
/// The figures of one region pair as this region sees them: what it sends to <see cref="Peer"/> (origin = this region,
/// destination = the peer) and what it applies from it (origin = the peer, destination = this region). The apply and
/// send paths run thousands of times a second, so recording is an Interlocked add on a field or a histogram record
/// with tags built once here: no allocation per change. <see cref="SyncMetrics"/> publishes them per pair.
/// </summary>
public sealed class LinkMetrics
{
    /// <summary>The states a link can be in, as <see cref="PeerLink"/> names them: the state gauge gives 1 to the current one, 0 to the others.</summary>
    public static readonly string[] States = ["idle", "sending", "retrying"];

    internal LinkMetrics(string region, string peer)
    {
        Peer = peer;
        Outgoing = Tags(region, region, peer);
        Incoming = Tags(region, peer, region);
        StateTags = [.. States.Select(s => (KeyValuePair<string, object?>[])[.. Outgoing, new("state", s)])];
    }

    public string Peer { get; }

    /// <summary>region, origin = this region, destination = the peer.</summary>
    internal KeyValuePair<string, object?>[] Outgoing { get; }

    /// <summary>region, origin = the peer, destination = this region.</summary>
    internal KeyValuePair<string, object?>[] Incoming { get; }

    /// <summary><see cref="Outgoing"/> and each of <see cref="States"/>, in that order.</summary>
    internal KeyValuePair<string, object?>[][] StateTags { get; }

    // This region → the peer.
    /// <summary>Changes the peer acked.</summary>
    public long ChangesSent;
    /// <summary>Bytes of the batch bodies sent the first time (resends are counted in <see cref="BatchesResent"/>).</summary>
    public long BytesSent;
    public long BatchesResent;
    /// <summary>Messages the link dropped before sending (peer not connected, or its send window full).</summary>
    public long MessagesNotSent;

    // The peer → this region.
    /// <summary>Changes stored here, live or repaired.</summary>
    public long ChangesApplied;
    /// <summary>Changes already held here (duplicates, or older than the stored state).</summary>
    public long ChangesIgnored;
    /// <summary>Bytes of the live batch bodies from the peer that were verified and applied.</summary>
    public long BytesApplied;

    /// <summary>This region's outbox for the peer when the sync loop last looked (heartbeat and metrics ticks).</summary>
    public long BacklogRows;
    public long BacklogBytes;
    public long OldestPendingAgeMs;

    /// <summary>Index into <see cref="States"/> of the link's state at the last flush.</summary>
    public volatile int State;

    /// <summary>Records where the outbox for the peer stands now.</summary>
    public void Backlog(long rows, long bytes, long oldestPendingAgeMs)
    {
        Volatile.Write(ref BacklogRows, rows);
        Volatile.Write(ref BacklogBytes, bytes);
        Volatile.Write(ref OldestPendingAgeMs, oldestPendingAgeMs);
    }

    /// <summary>Records the link's state by its name (one of <see cref="States"/>; any other leaves it as it was).</summary>
    public void SetState(string state)
    {
        var index = Array.IndexOf(States, state);
        if (index >= 0)
        {
            State = index;
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string region, string origin, string destination) =>
        [new("region", region), new("origin", origin), new("destination", destination)];
}
