namespace Haunt.Silo.Hosting;

/// <summary>The three regions as `up` runs them: in this process, or as three child silo processes.</summary>
public interface IRegionHost : IAsyncDisposable
{
    /// <summary>Grain access to the cluster (a silo's own factory, or a client through the gateways).</summary>
    IGrainFactory Grains { get; }

    /// <summary>Starts osaka, seoul and nyc one after another, printing each region's URLs.</summary>
    Task StartAsync(CancellationToken cancellationToken);
}
