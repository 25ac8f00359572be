namespace Haunt.Replication;

/// <summary>
/// The region this silo serves (its SiloName; every entity grain on it belongs to this region) and the deployment's
/// regions (Haunt:Regions), of which it is one.
/// </summary>
public sealed record SiloRegion
{
    public SiloRegion(string name, RegionSet regions)
    {
        Regions = regions;
        Name = regions.Require(name);
    }

    public string Name { get; }

    public RegionSet Regions { get; }

    /// <summary>The other regions of the deployment, in rank order.</summary>
    public IEnumerable<string> Peers => Regions.PeersOf(Name);
}
