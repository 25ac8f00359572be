namespace Haunt.Silo.Hosting;

/// <summary>The three regions as `up` runs them: in this process, or as three child silo processes; each its own cluster.</summary>
public interface IRegionHost : IAsyncDisposable
{
    /// <summary>Grain access to one region's cluster (its silo's own factory, or a client through its gateway).</summary>
    IGrainFactory GrainsOf(string region);

    /// <summary>Starts osaka, seoul and nyc one after another, printing each region's URLs.</summary>
    Task StartAsync(CancellationToken cancellationToken);
}
