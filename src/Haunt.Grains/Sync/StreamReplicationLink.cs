using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Haunt.Grains.Sync;

/// <summary>Carries sync messages on the Orleans stream ("haunt.sync", destination region).</summary>
public sealed partial class StreamReplicationLink(IServiceProvider services, ILogger<StreamReplicationLink> log) : IReplicationLink
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
            LogNotDelivered(log, ex, message.GetType().Name, message.From, message.To);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync message {Kind} {From}->{To} not delivered")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, string kind, string from, string to);
}
