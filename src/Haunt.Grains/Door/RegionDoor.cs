using System.Collections.Concurrent;
using System.Security.Cryptography;
using Haunt.Replication.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace Haunt.Grains.Door;

/// <summary>
/// The door of a region's Orleans connections: nothing reaches this cluster's silo port or gateway without proving,
/// with the deployment's cluster key, that it is one of this region's silos (silo port) or a client of one of the
/// deployment's other regions (gateway) — see <see cref="DoorProof"/>. Under TLS the proof is made inside the TLS
/// session and the certificate shown must name the region claimed (<see cref="CertificateRegion"/>). A refused
/// connection is closed before Orleans reads a byte of it, counted by reason and logged. The same door, from the
/// other side, proves this silo when it connects to its region's silos and to its peers' gateways.
/// </summary>
public sealed partial class RegionDoor(SiloRegion region, BatchCodec codec, ILogger<RegionDoor> log)
{
    /// <summary>A connection has this long to prove itself; one that says nothing is closed then.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<DoorRefusal, long> _refused = new();
    private long _admitted;
    private long _callsRefused;

    /// <summary>Connections that proved themselves, since this silo started.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);

    /// <summary>Connections turned away, by reason, since this silo started.</summary>
    public IReadOnlyDictionary<string, long> Refused => _refused.ToDictionary(r => r.Key.ToString(), r => r.Value);

    /// <summary>Grain calls from a peer region refused because the peer link does not need them (<see cref="PeerCallFilter"/>).</summary>
    public long CallsRefused => Interlocked.Read(ref _callsRefused);

    /// <summary>The listening side's middleware: challenge, judge the answer, then hand the connection to Orleans or close it.</summary>
    public ConnectionDelegate Admit(ConnectionDelegate next, DoorRole expected) => async connection =>
    {
        var refusal = DoorRefusal.NoProof;
        string? claimed = null;
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            handshake.CancelAfter(HandshakeTimeout);
            try
            {
                var challenge = RandomNumberGenerator.GetBytes(DoorProof.ChallengeLength);
                await DoorProof.WriteChallengeAsync(connection.Transport.Output, challenge, handshake.Token);
                var hello = await DoorProof.ReadHelloAsync(connection.Transport.Input, handshake.Token);
                claimed = hello.From;
                refusal = await JudgeAsync(hello, challenge, expected, connection, handshake.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidDataException or EndOfStreamException or IOException or ConnectionResetException
                or ConnectionAbortedException or ObjectDisposedException)
            {
                refusal = DoorRefusal.NoProof;
            }
        }

        if (refusal != DoorRefusal.None)
        {
            _refused.AddOrUpdate(refusal, 1, (_, n) => n + 1);
            LogRefused(log, connection.RemoteEndPoint?.ToString() ?? "?", expected, claimed ?? "(none)", refusal);
            connection.Abort(new ConnectionAbortedException($"Refused at the door of {region.Name}: {refusal}."));
            return;
        }

        Interlocked.Increment(ref _admitted);
        await next(connection);
    };

    /// <summary>The connecting side's middleware: answer the challenge as <paramref name="role"/> of this region towards <paramref name="to"/>.</summary>
    public ConnectionDelegate Enter(ConnectionDelegate next, DoorRole role, string to) => async connection =>
    {
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            handshake.CancelAfter(HandshakeTimeout);
            var challenge = await DoorProof.ReadChallengeAsync(connection.Transport.Input, handshake.Token);
            var mac = DoorProof.Mac(codec.Keys.Signing, challenge, role, region.Name, to);
            await DoorProof.WriteHelloAsync(connection.Transport.Output, new DoorProof.Hello(role, region.Name, mac), handshake.Token);
        }

        await next(connection);
    };

    /// <summary>Counts a grain call refused by <see cref="PeerCallFilter"/>.</summary>
    public void CallRefused() => Interlocked.Increment(ref _callsRefused);

    private async Task<DoorRefusal> JudgeAsync(DoorProof.Hello hello, byte[] challenge, DoorRole expected, ConnectionContext connection, CancellationToken cancellationToken)
    {
        if (hello.Role != expected)
        {
            return DoorRefusal.WrongRole;
        }

        var allowed = expected == DoorRole.Silo
            ? hello.From == region.Name
            : region.Regions.Contains(hello.From) && hello.From != region.Name;
        if (!allowed)
        {
            return DoorRefusal.NotAllowed;
        }

        if (!DoorProof.Verifies(codec.Keys.Verifying, challenge, hello, region.Name))
        {
            return DoorRefusal.WrongKey;
        }

        if (connection.Features.Get<ITlsConnectionFeature>() is { } tls)
        {
            var certificate = tls.RemoteCertificate ?? await tls.GetRemoteCertificateAsync(cancellationToken);
            if (certificate is null || CertificateRegion.Of(certificate) != hello.From)
            {
                return DoorRefusal.CertificateMismatch;
            }
        }

        return DoorRefusal.None;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection from {Remote} refused at the door ({Expected} port, claimed '{Claimed}'): {Refusal}")]
    private static partial void LogRefused(ILogger logger, string remote, DoorRole expected, string claimed, DoorRefusal refusal);
}
