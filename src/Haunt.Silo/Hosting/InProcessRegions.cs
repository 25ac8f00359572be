namespace Haunt.Silo.Hosting;

/// <summary>
/// osaka, seoul and nyc as clusters of <paramref name="silosPerRegion"/> silos inside this process (Orleans
/// development clustering, the region's first silo its primary), joined by their peer links on loopback, their
/// stores in SQLite files or, given a connection string, in PostgreSQL schemas.
/// </summary>
public sealed class InProcessRegions(string dataDirectory, string clusterKey, Security.AuthSettings auth, string? postgres = null, int silosPerRegion = 1,
    Security.TlsSettings? tls = null) : IRegionHost
{
    private readonly List<(string Region, WebApplication App)> _silos = [];

    public IGrainFactory GrainsOf(string region) => _silos.First(s => s.Region == region).App.Services.GetRequiredService<IGrainFactory>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var region in KnownRegions.All)
        {
            for (var index = 0; index < silosPerRegion; index++)
            {
                var endpoints = SiloEndpoints.DefaultFor(region, index: index);
                var settings = LocalSiloSettings.For(region, dataDirectory, endpoints, clusterKey, PeerAddresses.Loopback(region, silosPerRegion: silosPerRegion), auth,
                    primarySiloPort: SiloEndpoints.DefaultFor(region).SiloPort).WithTls(tls);
                settings["Haunt:StorePostgres"] = postgres;
                settings["Haunt:FastFailureDetection"] = silosPerRegion > 1 ? "true" : null;
                var app = await RegionalSilo.BuildAsync(settings.ToConfiguration(), cancellationToken: cancellationToken);
                await app.StartAsync(cancellationToken);
                _silos.Add((region, app));
                var api = endpoints.ApiUrl(tls is not null);
                Console.WriteLine($"{region,-6} silo {index} up (in-process): API {api}/api/sync/health  OpenAPI UI {api}/scalar/  dashboard {api}/dashboard/");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, app) in Enumerable.Reverse(_silos))
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
