using System.Security.Cryptography.X509Certificates;

namespace Haunt.Grains.Door;

/// <summary>
/// The region a silo certificate is issued to: the first label of its subject's common name ("CN=osaka", or
/// "CN=osaka.silos.example.com"). Under TLS the door pins a connection's claimed region to it, so a certificate of
/// one region cannot act as another even though the deployment's CA issued both.
/// </summary>
public static class CertificateRegion
{
    public static string? Of(X509Certificate2 certificate)
    {
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(name) ? null : name.Split('.')[0];
    }
}
