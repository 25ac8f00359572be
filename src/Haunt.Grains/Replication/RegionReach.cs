using Haunt.Grains.Sync;

namespace Haunt.Grains.Replication;

/// <summary>
/// Whether this region can reach another one for a forwarded write. Forwarded calls cross the same
/// inter-region network as replication, so a cut on the replication-link seam cuts them too; a region
/// with no active silo fails at placement with the same exception.
/// </summary>
public sealed class RegionReach(SiloRegion region, LinkFaults faults)
{
    public void Ensure(string target)
    {
        if (target != region.Name && faults.For(region.Name, target) is { Cut: true })
        {
            throw new RegionUnavailableException(target);
        }
    }
}
