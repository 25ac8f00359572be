using Haunt.Grains.Door;
using Haunt.Grains.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haunt.Grains.Peers;

/// <summary>
/// This silo's clients into the other regions' clusters, one per peer. They start connecting once the silo
/// is active (in the background: a peer that is down never holds up this region) and close when it stops.
/// </summary>
public sealed class PeerClients : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly Dictionary<string, PeerClient> _clients;

    public PeerClients(SiloRegion region, RegionDoor door, IOptions<PeerOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger<PeerClients>();
        _clients = region.Peers.ToDictionary(
            peer => peer,
            peer => new PeerClient(peer, options.Value.GatewaysOf(peer) ?? throw new InvalidOperationException(PeerOptions.MissingPeer(peer)), door, options.Value, time, log),
            StringComparer.Ordinal);
    }

    /// <summary>The client into <paramref name="region"/>'s cluster.</summary>
    public PeerClient this[string region] => _clients.TryGetValue(region, out var client)
        ? client
        : throw new ArgumentException($"'{region}' is not a peer of this region.", nameof(region));

    /// <summary>The client into <paramref name="region"/>'s cluster, or null if this silo has none.</summary>
    public PeerClient? Find(string region) => _clients.GetValueOrDefault(region);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(PeerClients),
        ServiceLifecycleStage.Active,
        _ =>
        {
            foreach (var client in _clients.Values)
            {
                client.Start();
            }

            return Task.CompletedTask;
        },
        async _ => await DisposeAsync());

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }
    }
}
