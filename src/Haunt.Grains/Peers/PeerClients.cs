using System.Collections.Concurrent;
using System.Net;
using Haunt.Grains.Door;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haunt.Grains.Peers;

/// <summary>
/// This silo's clients into the other regions' clusters, one per peer. They start connecting once the silo
/// is active (in the background: a peer that is down never holds up this region) and close when it stops. A region
/// the membership admits later gets its client then, at the gateways configured for it (Haunt:Peers) or else those
/// the membership says it was added with.
/// </summary>
public sealed partial class PeerClients : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PeerClient> _clients = new(StringComparer.Ordinal);
    private readonly RegionDoor _door;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private bool _started;

    public PeerClients(SiloRegion region, RegionDoor door, IOptions<PeerOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        (_door, _options, _time, _log) = (door, options.Value, time, loggers.CreateLogger<PeerClients>());
        foreach (var peer in region.Peers)
        {
            _clients[peer] = Create(peer, _options.GatewaysOf(peer) ?? throw new InvalidOperationException(PeerOptions.MissingPeer(peer)));
        }

        region.Changed += Follow;
    }

    /// <summary>The client into <paramref name="region"/>'s cluster.</summary>
    public PeerClient this[string region] => Find(region) ?? throw new ArgumentException($"'{region}' is not a peer of this region.", nameof(region));

    /// <summary>The client into <paramref name="region"/>'s cluster, or null if this silo has none.</summary>
    public PeerClient? Find(string region) => _clients.GetValueOrDefault(region);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(PeerClients),
        ServiceLifecycleStage.Active,
        _ =>
        {
            lock (_gate)
            {
                _started = true;
                foreach (var client in _clients.Values)
                {
                    client.Start();
                }
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

    /// <summary>
    /// A client for every peer of the membership just adopted that has none yet; none kept for a region that left. Once
    /// this region left, it keeps its clients: a region that missed the removal is told it in answer to its heartbeat.
    /// </summary>
    private void Follow(SiloRegion region)
    {
        lock (_gate)
        {
            foreach (var gone in _clients.Keys.Where(p => !region.Removed && !region.Peers.Contains(p)).ToList())
            {
                if (_clients.TryRemove(gone, out var client))
                {
                    // Closed off this thread: the event is raised on the sync loop's turn, which must not wait for it.
                    _ = Task.Run(async () => await client.DisposeAsync());
                }
            }
        }

        foreach (var peer in region.Peers.Where(p => !_clients.ContainsKey(p)))
        {
            var gateways = _options.GatewaysOf(peer) ?? Parse(region.Membership.GatewaysOf(peer));
            if (gateways is null)
            {
                LogNoGateway(_log, peer, region.Membership.Version);
                continue;
            }

            lock (_gate)
            {
                var client = Create(peer, gateways);
                if (_clients.TryAdd(peer, client) && _started)
                {
                    client.Start();
                }
            }
        }
    }

    private PeerClient Create(string peer, IReadOnlyList<IPEndPoint> gateways) => new(peer, gateways, _door, _options, _time, _log);

    private static IPEndPoint[]? Parse(string[]? gateways) =>
        gateways?.Select(g => IPEndPoint.TryParse(g, out var endpoint) ? endpoint : null).OfType<IPEndPoint>().ToArray() is { Length: > 0 } parsed ? parsed : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Peer} is a member (membership version {Version}) but no gateway of it is known: set Haunt:Peers:{Peer}")]
    private static partial void LogNoGateway(ILogger logger, string peer, long version);
}
