namespace Haunt.Silo.Hosting;

/// <summary>
/// osaka, seoul and nyc as clusters of <paramref name="silosPerRegion"/> silos inside this process (Orleans
/// development clustering, the region's first silo its primary), joined by their peer links on loopback, their
/// stores in SQLite files or, given a connection string, in PostgreSQL schemas.
/// </summary>
public sealed class InProcessRegions(string dataDirectory, string clusterKey, Security.AuthSettings auth, string? postgres = null, int silosPerRegion = 1,
    LinkTls? tls = null) : IRegionHost
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
                var app = RegionalSilo.Build(new RegionalSiloSettings(region, dataDirectory, endpoints, clusterKey,
                    PeerAddresses.Loopback(region, silosPerRegion: silosPerRegion), PrimarySiloPort: SiloEndpoints.DefaultFor(region).SiloPort,
                    StorePostgres: postgres, FastFailureDetection: silosPerRegion > 1, Auth: auth, Tls: tls));
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
