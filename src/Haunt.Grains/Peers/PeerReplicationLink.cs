using Haunt.Grains.Sync;

namespace Haunt.Grains.Peers;

/// <summary>
/// The real link between regions: each message goes onto the destination region's "haunt-sync" stream through
/// this region's client into that cluster. Best effort and never blocking the sender, as the seam promises.
/// </summary>
public sealed class PeerReplicationLink(PeerClients peers, SyncMetrics metrics) : IReplicationLink
{
    public Task SendAsync(SyncMessage message)
    {
        if (!peers[message.To].Post(message))
        {
            Interlocked.Increment(ref metrics.MessagesNotSent);
        }

        return Task.CompletedTask;
    }
}
