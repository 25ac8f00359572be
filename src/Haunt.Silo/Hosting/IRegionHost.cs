namespace Haunt.Silo.Hosting;

/// <summary>The regions as `up` runs them: in this process, or as child silo processes; each its own cluster, watched over HTTP (<see cref="RegionApis"/>).</summary>
public interface IRegionHost : IAsyncDisposable
{
    /// <summary>Starts osaka, seoul and nyc one after another, printing each region's URLs.</summary>
    Task StartAsync(CancellationToken cancellationToken);
}
