namespace Haunt.Silo.Hosting;

/// <summary>
/// osaka, seoul and nyc as three single-silo clusters inside this process (Orleans development clustering),
/// joined by their peer links on loopback, their stores in SQLite files or, given a connection string, in
/// PostgreSQL schemas.
/// </summary>
public sealed class InProcessRegions(string dataDirectory, string clusterKey, string? postgres = null) : IRegionHost
{
    private readonly Dictionary<string, WebApplication> _silos = [];

    public IGrainFactory GrainsOf(string region) => _silos[region].Services.GetRequiredService<IGrainFactory>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var region in KnownRegions.All)
        {
            var endpoints = SiloEndpoints.DefaultFor(region);
            var app = RegionalSilo.Build(new RegionalSiloSettings(region, dataDirectory, endpoints, clusterKey, PeerAddresses.Loopback(region),
                StorePostgres: postgres));
            await app.StartAsync(cancellationToken);
            _silos[region] = app;
            Console.WriteLine($"{region,-6} silo up (in-process): API {endpoints.HttpUrl}/api/sync/health  OpenAPI UI {endpoints.HttpUrl}/scalar/  dashboard {endpoints.HttpUrl}/dashboard/");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _silos.Values.Reverse())
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
