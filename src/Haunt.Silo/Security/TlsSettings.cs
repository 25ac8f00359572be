using System.Security.Cryptography.X509Certificates;
using Haunt.Grains.Peers;

namespace Haunt.Silo.Security;

/// <summary>
/// TLS for a silo (section Haunt:Tls), all three PEM files or none: <see cref="Certificate"/> and its
/// <see cref="Key"/> serve HTTPS and authenticate the silo on every Orleans connection (its region's silos, its
/// gateway, its clients into the peer regions); <see cref="Authority"/> is the CA every other silo's certificate
/// must chain to.
/// </summary>
public sealed class TlsSettings
{
    public string? Certificate { get; set; }

    public string? Key { get; set; }

    public string? Authority { get; set; }

    /// <summary>
    /// Runs a silo advertised beyond loopback in clear text, outside development: only when this says so explicitly
    /// (and then it warns at every start). Without it such a silo refuses to start without TLS.
    /// </summary>
    public bool Disabled { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Certificate) || !string.IsNullOrWhiteSpace(Key) || !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Disabled)
        {
            yield return "Haunt:Tls:Disabled is true but TLS files are set (Haunt:Tls:Certificate, Key, Authority): choose one.";
        }

        foreach (var (name, path) in new[] { ("Certificate", Certificate), ("Key", Key), ("Authority", Authority) })
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                yield return $"Haunt:Tls:{name} is missing: TLS needs the silo's certificate, its key and the CA (PEM files), or none of them.";
            }
            else if (!File.Exists(path))
            {
                yield return $"Haunt:Tls:{name}: no file at {path}.";
            }
        }
    }

    /// <summary>The loaded certificates, or null when TLS is off.</summary>
    public LinkTls? Load() => Enabled
        ? new LinkTls(X509Certificate2.CreateFromPemFile(Certificate!, Key), X509Certificate2.CreateFromPem(File.ReadAllText(Authority!)))
        : null;
}
