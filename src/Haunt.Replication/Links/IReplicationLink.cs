namespace Haunt.Replication.Links;

/// <summary>
/// The network between regions as the sync layer sees it: best-effort delivery of one message to the
/// region it names. Reliability comes from the outbox and acks above it, never from the link.
/// </summary>
public interface IReplicationLink
{
    Task SendAsync(SyncMessage message);
}
