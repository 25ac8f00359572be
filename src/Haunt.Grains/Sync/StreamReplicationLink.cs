using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Haunt.Grains.Sync;

/// <summary>Carries sync messages on the Orleans stream ("haunt.sync", destination region).</summary>
public sealed class StreamReplicationLink(IServiceProvider services, ILogger<StreamReplicationLink> log) : IReplicationLink
{
    private readonly Lazy<IStreamProvider> _provider =
        new(() => services.GetRequiredKeyedService<IStreamProvider>(HauntNames.SyncStreamProvider));

    public async Task SendAsync(SyncMessage message)
    {
        try
        {
            var stream = _provider.Value.GetStream<SyncMessage>(StreamId.Create(HauntNames.SyncStreamNamespace, message.To));
            await stream.OnNextAsync(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A full queue or an unreachable region: the message is lost like a dropped packet; the
            // sender's outbox resends after its ack timeout.
            log.LogDebug(ex, "Sync message {Kind} {From}->{To} not delivered", message.GetType().Name, message.From, message.To);
        }
    }
}
