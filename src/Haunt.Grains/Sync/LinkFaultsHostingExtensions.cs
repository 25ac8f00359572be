using Haunt.Grains.Peers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Haunt.Grains.Sync;

public static class LinkFaultsHostingExtensions
{
    /// <summary>
    /// Puts the fault seam (<see cref="LinkFaults"/>, <see cref="FaultInjectingLink"/>) on this silo's link to
    /// the other regions, for tests and the benchmark to cut, delay, drop, duplicate and corrupt it. A production
    /// silo never calls this: its link has no seam.
    /// </summary>
    public static ISiloBuilder AddLinkFaults(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<LinkFaults>();
        silo.Services.AddSingleton<IReplicationLink>(sp => new FaultInjectingLink(sp.GetRequiredService<PeerReplicationLink>(), sp.GetRequiredService<LinkFaults>()));
        return silo;
    }
}
