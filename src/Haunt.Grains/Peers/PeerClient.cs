using System.Net;
using Haunt.Grains.Door;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;

namespace Haunt.Grains.Peers;

/// <summary>
/// This region's Orleans client into one peer region's cluster (its own host, static gateway list of that
/// peer): sync messages go onto the peer's "haunt-sync" stream, forwarded strong writes and digests are grain
/// calls into the peer, through the peer's door as a peer region (<see cref="RegionDoor"/>). It connects in the
/// background and reconnects by itself; whether the peer answered lately is tracked from every call, so health and
/// forwarding know at once that a peer is cut off.
/// </summary>
public sealed partial class PeerClient : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _window;
    private readonly Lock _gate = new();
    private Task _connecting = Task.CompletedTask;
    private IClusterClient? _client;
    private IAsyncStream<SyncMessage>? _stream;
    private DateTimeOffset? _unreachableSince;
    private static readonly TimeSpan s_maxProbeInterval = TimeSpan.FromSeconds(8);
    private int _probing;
    private long _probeLoops;
    private string? _lastError = "not connected yet";
    private int _disposed;

    public PeerClient(string region, IReadOnlyList<IPEndPoint> gateways, RegionDoor door, PeerOptions options, TimeProvider time, ILogger log)
    {
        Region = region;
        _options = options;
        _time = time;
        _log = log;
        _window = new SemaphoreSlim(options.MaxMessagesInFlight);
        _unreachableSince = time.GetUtcNow();
        _host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering([.. gateways]);
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (RegionCluster.IdOf(region), RegionCluster.ServiceId));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.CallTimeout);
                client.AddMemoryStreams(HauntNames.SyncStreamProvider, streams => streams.ConfigurePartitioning(HauntNames.SyncStreamPartitions));
                client.Services.AddSingleton<IClientConnectionRetryFilter>(new RetryUntilStopped(options.ReconnectDelay));
                if (options.Tls is { } tls)
                {
                    client.UseTls(tls.Certificate, tls.Configure);
                }

                // After TLS, so the proof is made inside the TLS session: the peer's gateway admits nothing else.
                client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.Use(next => door.Enter(next, DoorRole.Peer, region))));
            })
            .Build();
    }

    /// <summary>The peer region this client reaches.</summary>
    public string Region { get; }

    /// <summary>Whether the peer answered the last call, and since when it has not.</summary>
    public PeerReachability Reachability
    {
        get
        {
            lock (_gate)
            {
                return new PeerReachability(Region, _unreachableSince is null, _unreachableSince, _lastError);
            }
        }
    }

    /// <summary>Starts connecting; returns at once (a peer that is down must not hold up this region's start).</summary>
    public void Start() => _connecting = Task.Run(ConnectAsync);

    /// <summary>
    /// Hands a sync message to the peer without waiting for it: best effort, like a packet. Not connected or a
    /// full window → dropped (the outbox resends after its ack timeout).
    /// </summary>
    public bool Post(SyncMessage message)
    {
        if (Volatile.Read(ref _disposed) == 1 || Volatile.Read(ref _stream) is not { } stream || !_window.Wait(0))
        {
            return false;
        }

        // Off the caller's (grain) scheduler: the publish completes on the client's threads.
        _ = Task.Run(async () =>
        {
            try
            {
                await stream.OnNextAsync(message).WaitAsync(_options.CallTimeout);
                Reached();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Missed(ex);
            }
            finally
            {
                _window.Release();
            }
        });
        return true;
    }

    /// <summary>
    /// A grain call into the peer's cluster, within <see cref="PeerOptions.CallTimeout"/>. A peer that is not
    /// connected, known to be unreachable, or that does not answer in time → <see cref="RegionUnavailableException"/>
    /// naming it. Domain exceptions from the peer pass through as they are. The token <paramref name="call"/> gets is
    /// cancelled when the call times out or <paramref name="cancellationToken"/> is, so a read the peer is still
    /// running for us (a digest scan) stops there too; a caller that gave up gets its cancellation, and the peer is
    /// not blamed for it.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<IGrainFactory, CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var client = Volatile.Read(ref _client);
        if (client is null || Reachability.UnreachableSince is not null)
        {
            throw new RegionUnavailableException(Region);
        }

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(_options.CallTimeout);
        try
        {
            // Task.Run: the call leaves the calling grain's scheduler and runs on the client's runtime.
            var result = await Task.Run(() =>
            {
                ForwardDeadline.Set(_time, _options.CallTimeout);
                return call(client, giveUp.Token);
            }, CancellationToken.None).WaitAsync(_options.CallTimeout, cancellationToken);
            Reached();
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or OperationCanceledException)
        {
            // The request may already be on the wire (or queued on a connection that has not noticed the cut):
            // it can still be applied at the peer, so the caller is told the outcome is unknown, not "not made".
            Missed(ex);
            throw RegionUnavailableException.NoAnswer(Region, _options.CallTimeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _connecting.WaitAsync(TimeSpan.FromSeconds(5));
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or OrleansException)
        {
            // Stopping with the peer unreachable: nothing to say goodbye to.
        }

        // The window is not disposed: publishes still in flight release it when they end.
        _host.Dispose();
        _stopping.Dispose();
    }

    private async Task ConnectAsync()
    {
        try
        {
            await _host.StartAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        var client = _host.Services.GetRequiredService<IClusterClient>();
        Volatile.Write(ref _stream, client.GetStreamProvider(HauntNames.SyncStreamProvider)
            .GetStream<SyncMessage>(StreamId.Create(HauntNames.SyncStreamNamespace, Region)));
        Volatile.Write(ref _client, client);
        Reached();
    }

    /// <summary>
    /// While the peer is unreachable, pings it (<see cref="IRegionStatusGrain.PingAsync"/>, answered on whichever
    /// silo is asked, touching nothing) until it answers: first after <see cref="PeerOptions.ReconnectDelay"/>, then
    /// backing off to 8 s, so that probes add little to an overloaded peer. Calls from users fail fast meanwhile
    /// ("not made"); without the probe, a silo that does not run the sync loop (whose posts are what otherwise
    /// find a peer back) would refuse every call to a healed peer until it restarted.
    /// </summary>
    private void ProbeUntilReached()
    {
        if (Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        Interlocked.Increment(ref _probeLoops);

        _ = Task.Run(async () =>
        {
            try
            {
                var wait = _options.ReconnectDelay;
                while (StillToProbe)
                {
                    await Task.Delay(wait, _stopping.Token);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, s_maxProbeInterval.Ticks));
                    if (Volatile.Read(ref _client) is not { } client)
                    {
                        continue;
                    }

                    try
                    {
                        await client.GetGrain<IRegionStatusGrain>(Region).PingAsync().WaitAsync(_options.CallTimeout, _stopping.Token);
                        Reached();
                    }
                    catch (Exception ex) when (ex is TimeoutException or OrleansException)
                    {
                        // Still unreachable: the next probe comes a reconnect delay later.
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested)
            {
                // The silo is stopping.
                return;
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }

            // Missed again between the last check and the flag's reset: that call found the flag still set. Never once
            // stopping: a loop that ended because the client stops (a ping failed as it was cancelled) found the peer
            // still unreachable, and started itself again, forever — a stopped silo's client spun a core until the
            // process exited (the bench's disposed clusters starved its later phases).
            if (StillToProbe)
            {
                ProbeUntilReached();
            }
        });
    }

    /// <summary>Whether a probe loop should run: the peer is unreachable and this client is not stopping.</summary>
    private bool StillToProbe => Volatile.Read(ref _disposed) == 0 && !_stopping.IsCancellationRequested && Reachability.UnreachableSince is not null;

    /// <summary>Probe loops started so far (each runs until the peer answers or the client stops); for tests.</summary>
    public long ProbeLoops => Interlocked.Read(ref _probeLoops);

    private void Reached()
    {
        lock (_gate)
        {
            if (_unreachableSince is { } since)
            {
                LogReachable(_log, Region, _time.GetUtcNow() - since);
            }

            (_unreachableSince, _lastError) = (null, null);
        }
    }

    private void Missed(Exception ex)
    {
        lock (_gate)
        {
            if (_unreachableSince is null)
            {
                LogUnreachable(_log, Region, ex.GetType().Name, ex.Message);
                _unreachableSince = _time.GetUtcNow();
            }

            _lastError = $"{ex.GetType().Name}: {ex.Message}";
        }

        ProbeUntilReached();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer region {Peer} unreachable ({Kind}: {Reason})")]
    private static partial void LogUnreachable(ILogger logger, string peer, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Peer region {Peer} reachable again after {Outage}")]
    private static partial void LogReachable(ILogger logger, string peer, TimeSpan outage);

    /// <summary>Keeps trying to connect to a peer that is down or cut off, until this silo stops.</summary>
    private sealed class RetryUntilStopped(TimeSpan delay) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
    }
}

/// <summary>Whether a peer region answers, as last seen from this silo.</summary>
public sealed record PeerReachability(string Region, bool Reachable, DateTimeOffset? UnreachableSince, string? LastError);
