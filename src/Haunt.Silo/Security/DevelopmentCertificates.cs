using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Haunt.Silo.Hosting;

namespace Haunt.Silo.Security;

/// <summary>
/// A development CA and, per region, a certificate it issued to that region's silos on this machine (CN = the region,
/// the name the door pins a connection to; localhost, 127.0.0.1; server and client use), made once in &lt;data&gt;/tls:
/// ca.pem and ca.key, &lt;region&gt;.pem and &lt;region&gt;.key (keys 0600). For `up --tls` and tests; in production the
/// deployment's own CA issues each region's silos a certificate naming that region.
/// </summary>
public static class DevelopmentCertificates
{
    public static TlsSettings LoadOrCreate(string dataDirectory, string region)
    {
        var folder = Path.Combine(dataDirectory, "tls");
        var settings = new TlsSettings { Certificate = Path.Combine(folder, $"{region}.pem"), Key = Path.Combine(folder, $"{region}.key"), Authority = Path.Combine(folder, "ca.pem") };
        if (File.Exists(settings.Certificate) && File.Exists(settings.Key) && File.Exists(settings.Authority))
        {
            return settings;
        }

        Directory.CreateDirectory(folder);
        var authorityKey = Path.Combine(folder, "ca.key");
        if (!File.Exists(settings.Authority) || !File.Exists(authorityKey))
        {
            using var created = IssueAuthority("Haunt development CA");
            File.WriteAllText(settings.Authority, created.ExportCertificatePem());
            WritePrivate(authorityKey, created.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        using var ca = X509Certificate2.CreateFromPemFile(settings.Authority, authorityKey);
        using var silo = IssueSilo(ca, region);
        File.WriteAllText(settings.Certificate, silo.ExportCertificatePem());
        WritePrivate(settings.Key, silo.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return settings;
    }

    /// <summary>A private key file, created readable by its owner only (never briefly wider).</summary>
    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ClusterKeyFile.Mode;
        }

        using var key = new StreamWriter(path, options);
        key.Write(pem);
    }

    /// <summary>A self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 IssueAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
    }

    /// <summary>A certificate named <paramref name="name"/> (CN) for localhost / 127.0.0.1, for TLS servers and clients, issued by <paramref name="authority"/>, with its private key.</summary>
    public static X509Certificate2 IssueSilo(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
