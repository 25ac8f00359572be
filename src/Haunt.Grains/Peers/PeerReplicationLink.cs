using Haunt.Grains.Sync;

namespace Haunt.Grains.Peers;

/// <summary>
/// The real link between regions: each message goes onto the destination region's "haunt-sync" stream through
/// this region's client into that cluster. Best effort and never blocking the sender, as the seam promises: a message
/// to a region this silo has no client for (a member whose address it was not given) is counted as not sent.
/// </summary>
public sealed class PeerReplicationLink(PeerClients peers, SyncMetrics metrics) : IReplicationLink
{
    public Task SendAsync(SyncMessage message)
    {
        if (peers.Find(message.To) is not { } client || !client.Post(message))
        {
            Interlocked.Increment(ref metrics.MessagesNotSent);
            Interlocked.Increment(ref metrics.Link(message.To).MessagesNotSent);
        }

        return Task.CompletedTask;
    }
}
