namespace Haunt.Replication;

/// <summary>
/// The region this silo serves (its SiloName; every entity grain on it belongs to this region) and the membership
/// it holds: the deployment's agreed regions, of which it is one. The configured set (Haunt:Regions) stands until
/// the store's agreed record is read at start; a region started to be added (<see cref="Joining"/>) holds no agreed
/// record until its peers admit it. Read from any thread; changed only by <see cref="Adopt"/>.
/// </summary>
public sealed class SiloRegion
{
    private volatile View _view;

    public SiloRegion(string name, RegionSet regions, bool joining = false)
    {
        Name = regions.Require(name);
        Joining = joining;
        // A region waiting to be admitted holds version 0: any agreed record is newer, and its peers send theirs.
        var configured = Membership.First(regions);
        _view = new View(joining ? configured with { Version = 0, Change = "awaiting admission" } : configured, regions, !joining);
    }

    public string Name { get; }

    /// <summary>Started empty to be added to a running deployment (Haunt:Join): it serves only once admitted and caught up.</summary>
    public bool Joining { get; }

    /// <summary>The membership held now (version 0: not admitted yet).</summary>
    public Membership Membership => _view.Membership;

    public RegionSet Regions => _view.Regions;

    /// <summary>Whether this region answers reads and writes: false while it waits to be admitted or catches up.</summary>
    public bool Serving => _view.Serving;

    /// <summary>Whether this region is leaving the deployment: it takes no new writes, hands its strong entities over and drains.</summary>
    public bool Leaving => Membership.IsLeaving(Name);

    /// <summary>Whether this region left the deployment (an agreed version without it): it has no peers and serves nothing.</summary>
    public bool Removed => Membership.Version > 0 && !Membership.Includes(Name);

    /// <summary>The other regions of the deployment, in rank order (none once this region was removed).</summary>
    public IEnumerable<string> Peers => Removed ? [] : Regions.PeersOf(Name);

    /// <summary>Raised after <see cref="Adopt"/> changed the membership or <see cref="Serving"/> (on the adopting thread).</summary>
    public event Action<SiloRegion>? Changed;

    /// <summary>Takes <paramref name="membership"/> unless it is older than the one held; returns whether anything changed.</summary>
    public bool Adopt(Membership membership, bool serving)
    {
        var view = _view;
        if (membership.Version < view.Membership.Version || (membership.Version == view.Membership.Version && serving == view.Serving && membership.SameAs(view.Membership)))
        {
            return false;
        }

        _view = new View(membership, membership.Set, serving);
        Changed?.Invoke(this);
        return true;
    }

    private sealed record View(Membership Membership, RegionSet Regions, bool Serving);
}
