using System.Net;
using System.Security.Authentication;
using Haunt.Grains.Peers;
using Haunt.Silo.Security;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Haunt.Tests.Api;

/// <summary>The three regions with TLS: HTTPS APIs and mutual TLS on every Orleans connection, one test CA.</summary>
public sealed class TlsApiHost() : ApiHostFixture(Dialects.StoreKind.Sqlite)
{
    protected override bool WithTls => true;
}

[CollectionDefinition(Name)]
public sealed class TlsApiCollection : ICollectionFixture<TlsApiHost>
{
    public const string Name = "api with TLS";
}

[Collection(TlsApiCollection.Name)]
public sealed class TlsTests(TlsApiHost host)
{
    [Fact]
    public async Task Writes_replicate_between_regions_over_mutual_tls()
    {
        var id = await host.Http[KnownRegions.Osaka].CreatePortfolioAsync(1_234m);

        foreach (var region in KnownRegions.PeersOf(KnownRegions.Osaka))
        {
            await Eventually.WaitUntilAsync(async () => (await host.Http[region].GetAsync($"/api/portfolios/{id}")).StatusCode == HttpStatusCode.OK,
                $"osaka's portfolio reached {region} over the TLS link");
        }

        var health = await host.Http[KnownRegions.Seoul].GetJsonAsync("/api/sync/health");
        Assert.All(health.GetProperty("peers").EnumerateArray(), p => Assert.True(p.GetProperty("reachable").GetBoolean()));
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_ca_cannot_call_the_api_and_one_that_does_can()
    {
        using var untrusting = new HttpClient { BaseAddress = host.Urls[KnownRegions.Nyc] }.AsOperator();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/api/sync/health"));
        Assert.IsType<AuthenticationException>(refused.InnerException);
        Assert.Equal("https", host.Urls[KnownRegions.Nyc].Scheme);
        using var trusted = await host.Http[KnownRegions.Nyc].GetAsync("/api/sync/health");
        Assert.Equal(HttpStatusCode.OK, trusted.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(trusted.Headers.GetValues("Strict-Transport-Security"))); // HSTS under HTTPS
    }

    [Fact]
    public async Task A_peer_with_a_certificate_from_another_ca_is_refused_and_counted()
    {
        var before = await RefusedAsync();
        using var rogueAuthority = DevelopmentCertificates.IssueAuthority("Rogue CA");
        using var rogueCertificate = DevelopmentCertificates.IssueSilo(rogueAuthority, "rogue");
        using var rogue = Host.CreateApplicationBuilder().UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (RegionCluster.IdOf(KnownRegions.Osaka), RegionCluster.ServiceId));
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, host.Endpoints[KnownRegions.Osaka].GatewayPort));
            client.UseTls(rogueCertificate, o => o.AllowAnyRemoteCertificate());
        }).Build();

        // Never connects: it fails, or keeps retrying its refused handshakes until we stop waiting.
        await Assert.ThrowsAnyAsync<Exception>(() => rogue.StartAsync().WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.True(await RefusedAsync() > before, "osaka counted the refused certificate");
        Assert.Equal(HttpStatusCode.OK, (await host.Http[KnownRegions.Osaka].GetAsync("/api/sync/health")).StatusCode);
    }

    [Fact]
    public async Task A_certificate_issued_to_one_region_cannot_act_as_another()
    {
        var gateway = new IPEndPoint(IPAddress.Loopback, host.Endpoints[KnownRegions.Osaka].GatewayPort);
        var before = await DoorRefusedAsync("CertificateMismatch");
        // nyc's certificate from the deployment's own CA, and a proof under the deployment's key, claiming to be seoul.
        using var impostor = Door.DoorClient.Build(gateway, KnownRegions.Osaka, claims: KnownRegions.Seoul, clusterKey: HauntSiloConfigurator.ClusterKey,
            tls: host.TlsFilesOf(KnownRegions.Nyc)!.Load());
        Assert.False(await Door.DoorClient.TryStartAsync(impostor), "nyc's certificate got in as seoul");
        Assert.True(await DoorRefusedAsync("CertificateMismatch") > before, "osaka counted the mismatch");

        // The same proof with seoul's own certificate gets in.
        using var seoul = Door.DoorClient.Build(gateway, KnownRegions.Osaka, claims: KnownRegions.Seoul, clusterKey: HauntSiloConfigurator.ClusterKey,
            tls: host.TlsFilesOf(KnownRegions.Seoul)!.Load());
        Assert.True(await Door.DoorClient.TryStartAsync(seoul), "seoul's own certificate was refused");
        await Door.DoorClient.Grains(seoul).GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).PingAsync();
    }

    [Fact]
    public async Task Under_https_a_browser_keeps_its_token_in_a_secure_host_only_cookie()
    {
        using var browser = host.BareClient(KnownRegions.Seoul);

        using var opened = await browser.GetAsync($"/dashboard/?access_token={TestTokens.For("ivan", HauntPolicies.OperatorRole)}");

        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(BrowserSignIn.SecureCookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase); // __Host-: this host only, path /
    }

    private async Task<long> DoorRefusedAsync(string reason) =>
        (await host.Http[KnownRegions.Osaka].GetJsonAsync("/api/sync/health")).GetProperty("door").GetProperty("refused") is var refused
        && refused.TryGetProperty(reason, out var count) ? count.GetInt64() : 0;

    private async Task<long> RefusedAsync() => (await host.Http[KnownRegions.Osaka].GetJsonAsync("/api/sync/health")).GetProperty("tlsRefused").GetInt64();
}
