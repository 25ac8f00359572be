namespace Haunt.Silo.Hosting;

/// <summary>
/// The regions of <paramref name="regions"/> (default osaka, seoul and nyc) as clusters of <paramref name="silosPerRegion"/> silos inside this process (Orleans
/// development clustering, the region's first silo its primary), joined by their peer links on loopback, their
/// stores in SQLite files or, given a connection string, in PostgreSQL schemas; each region's first silo runs
/// the background <paramref name="load"/> (Haunt:Load), with <paramref name="tls"/> the development CA's certificate of its region, with
/// <paramref name="metrics"/> each silo's Prometheus scrape endpoint on (Haunt:Telemetry:Prometheus, the default port).
/// </summary>
public sealed class InProcessRegions(string dataDirectory, string clusterKey, Security.AuthSettings auth, string? postgres = null, int silosPerRegion = 1,
    bool tls = false, Trading.Load.LoadOptions? load = null, RegionSet? regions = null, bool metrics = false) : IRegionHost
{
    private readonly RegionSet _regions = regions ?? RegionSet.Default;

    private readonly List<(string Region, WebApplication App)> _silos = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var region in _regions.All)
        {
            for (var index = 0; index < silosPerRegion; index++)
            {
                var endpoints = SiloEndpoints.DefaultFor(region, index: index, regions: _regions);
                var settings = LocalSiloSettings.For(region, dataDirectory, endpoints, clusterKey, PeerAddresses.Loopback(region, silosPerRegion: silosPerRegion, regions: _regions), auth,
                    primarySiloPort: SiloEndpoints.DefaultFor(region, regions: _regions).SiloPort, regions: _regions).WithTls(tls ? Security.DevelopmentCertificates.LoadOrCreate(dataDirectory, region) : null);
                settings["Haunt:StorePostgres"] = postgres;
                settings["Haunt:FastFailureDetection"] = silosPerRegion > 1 ? "true" : null;
                settings["Haunt:Telemetry:Prometheus:Enabled"] = metrics ? "true" : null;
                if (index == 0 && load is not null)
                {
                    foreach (var (key, value) in load.ToSettings())
                    {
                        settings[key] = value;
                    }
                }

                var app = await RegionalSilo.BuildAsync(settings.ToConfiguration(), cancellationToken: cancellationToken);
                await app.StartAsync(cancellationToken);
                _silos.Add((region, app));
                var api = endpoints.ApiUrl(tls);
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
