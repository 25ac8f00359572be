using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Haunt.Grains.Peers;

/// <summary>
/// Mutual TLS for every Orleans connection of a region (its silos, its gateways, its clients into the peer
/// regions): each side shows <see cref="Certificate"/> and must be shown one that chains to <see cref="Authority"/>,
/// the deployment's own CA (the system's trusted roots are not consulted, so a certificate from any public CA is
/// refused too). Host names are not checked: silos are reached by address, and only holders of a certificate from
/// this CA get in. The HMAC on sync batches stays, on top.
/// </summary>
public sealed class LinkTls(X509Certificate2 certificate, X509Certificate2 authority)
{
    private long _refused;

    public X509Certificate2 Certificate { get; } = certificate;

    public X509Certificate2 Authority { get; } = authority;

    /// <summary>Connections refused because the other side's certificate did not chain to <see cref="Authority"/>.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) =>
        {
            // Name mismatch is expected (addresses, not names); an unknown root is expected (our own CA): judge the chain ourselves.
            var trusted = (errors & ~(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)) == 0 && ChainsToAuthority(remote);
            if (!trusted)
            {
                Interlocked.Increment(ref _refused);
            }

            return trusted;
        };
    }

    /// <summary>Whether <paramref name="certificate"/> was issued by <see cref="Authority"/> (and is within its dates).</summary>
    public bool ChainsToAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
