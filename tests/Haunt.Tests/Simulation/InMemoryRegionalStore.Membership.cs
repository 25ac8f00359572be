namespace Haunt.Tests.Simulation;

// The agreed membership and the peers the outbox queues for, as SqlRegionalStore keeps them in sync_membership and sync_state.
public sealed partial class InMemoryRegionalStore
{
    private StoredMembership? _membership;

    /// <summary>The peers the outbox queues for (sync_state's rows).</summary>
    public IReadOnlyCollection<string> Peers => _peers.Keys;

    public Task<StoredMembership?> MembershipAsync(CancellationToken cancellationToken = default) => Run(() => _membership);

    public Task SaveMembershipAsync(Membership membership, bool serving) => Run(() =>
    {
        if (_membership is { } stored && stored.Membership.Version > membership.Version)
        {
            return;
        }

        _membership = new StoredMembership(membership, serving);
        // A region that left has no peers: nothing more is queued here for anyone.
        var member = membership.Includes(Region);
        foreach (var gone in _peers.Keys.Where(p => !member || !membership.Includes(p)).ToList())
        {
            _peers.Remove(gone);
            foreach (var (seq, entry) in _outbox.ToList())
            {
                if (entry.Pending.Remove(gone) && entry.Pending.Count == 0)
                {
                    _outbox.Remove(seq);
                }
            }
        }

        foreach (var peer in membership.Regions.Where(r => member && r != Region && !_peers.ContainsKey(r)))
        {
            _peers[peer] = new PeerState(peer, 0, null, false, 0, 0);
        }
    });

    private static string Peer(string peer) =>
        RegionNames.IsWellFormed(peer) ? peer : throw new ArgumentException($"'{peer}' is not a region name ({RegionNames.Rule}).", nameof(peer));
}
