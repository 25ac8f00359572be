using Haunt.Silo.Security;

namespace Haunt.Silo.Hosting;

/// <summary>
/// How `up` watches the regions it started: each silo's HTTP API on loopback as an operator (under --tls trusting
/// the development CA), never a way into a cluster that an operator does not have.
/// </summary>
public sealed class RegionApis : IDisposable
{
    private readonly Dictionary<string, List<(string Address, HttpClient Api)>> _silos = [];

    public RegionApis(AuthSettings auth, LinkTls? tls, int silosPerRegion, RegionSet regions)
    {
        var token = TokenIssuer.Mint(auth, "up", [HauntPolicies.OperatorRole], TimeSpan.FromDays(1));
        foreach (var region in regions.All)
        {
            _silos[region] = [.. Enumerable.Range(0, silosPerRegion).Select(index => SiloEndpoints.DefaultFor(region, index: index, regions: regions)).Select(endpoints =>
                // A silo that was killed answers nothing: the live view moves on to the next silo of the region within 3 s.
                ($"127.0.0.1:{endpoints.SiloPort}", Client(endpoints.ApiUrl(tls is not null), token, tls, TimeSpan.FromSeconds(3))))];
        }
    }

    /// <summary>An HTTP client of a silo's API with <paramref name="token"/>, trusting only the deployment's CA under TLS.</summary>
    public static HttpClient Client(string baseUrl, string token, LinkTls? tls, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler();
        if (tls is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 c && tls.ChainsToAuthority(c);
        }

        var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public Task<RegionSnapshot> SnapshotAsync(string region, CancellationToken cancellationToken = default) =>
        RegionSnapshot.TakeAsync(region, _silos[region], cancellationToken);

    public void Dispose()
    {
        foreach (var (_, api) in _silos.Values.SelectMany(s => s))
        {
            api.Dispose();
        }
    }
}
