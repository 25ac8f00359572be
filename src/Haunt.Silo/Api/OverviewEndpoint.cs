using Haunt.Grains.Replication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>
/// One region's replication figures as the overview reports them, and its feed's consumer groups (null from a region
/// of a release before them); Reachable false = it did not answer (no figures).
/// </summary>
public sealed record RegionOverview(string Region, bool Reachable, long LocalWrites, long ChangesApplied, double LagP50Ms, double LagP99Ms, long Conflicts,
    long BatchesRejected, IReadOnlyList<PeerStatus> Peers, FeedConsumers? Feed);

/// <summary>
/// A link between two regions: healthy, degraded (resends, or changes waiting longer than 5 s), needs-snapshot
/// (a side fell past its backlog bound), cut (a side we can ask cannot reach the other) or unknown (we can ask
/// neither side). UnreachableSince is known for this region's own links.
/// </summary>
public sealed record LinkOverview(string A, string B, string State, DateTimeOffset? UnreachableSince);

/// <summary>The deployment's regions (in rank order) and every link between two of them, n·(n−1)/2, as seen from the answering region at AtMs.</summary>
public sealed record SyncOverview(string AnsweredBy, long AtMs, IReadOnlyList<RegionOverview> Regions, IReadOnlyList<LinkOverview> Links);

/// <summary>GET /api/sync/overview: what the sync console draws, in one call (each peer asked over the peer link, 1.5 s at most).</summary>
public static class OverviewEndpoint
{
    public static async Task<Ok<SyncOverview>> OverviewAsync(IGrainFactory grains, SiloRegion region, RegionReach reach, PeerClients peers, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var asked = region.Peers.ToDictionary(p => p,
            p => reach.TryCallAsync(p, (g, ct) => g.GetGrain<IRegionStatusGrain>(p).GetStatusAsync(ct), cancellationToken));
        var statuses = new Dictionary<string, SyncStatus?> { [region.Name] = await grains.GetGrain<IRegionStatusGrain>(region.Name).GetStatusAsync(cancellationToken) };
        foreach (var (peer, answer) in asked)
        {
            statuses[peer] = await answer;
        }

        var all = region.Regions.All;
        var regions = all.Select(r => statuses[r] is { } s
            ? new RegionOverview(r, true, s.LocalWrites, s.ChangesApplied, s.LagP50Ms, s.LagP99Ms, s.Conflicts, s.BatchesRejected, s.Peers, s.Feed)
            : new RegionOverview(r, false, 0, 0, 0, 0, 0, 0, [], null)).ToList();
        var links = new List<LinkOverview>();
        foreach (var (a, b) in all.SelectMany((a, i) => all.Skip(i + 1).Select(b => (a, b))))
        {
            var ours = a == region.Name ? b : b == region.Name ? a : null;
            var since = ours is null ? null : peers.Find(ours)?.Reachability.UnreachableSince;
            var views = new[] { statuses[a]?.Peers.FirstOrDefault(p => p.Peer == b), statuses[b]?.Peers.FirstOrDefault(p => p.Peer == a) }.OfType<PeerStatus>().ToList();
            var state = ours is not null && statuses[ours] is null ? "cut"
                : views.Count == 0 ? "unknown"
                : views.Any(v => v.NeedsSnapshot) ? "needs-snapshot"
                : views.Any(SyncEndpoints.IsDegraded) ? "degraded"
                : "healthy";
            links.Add(new LinkOverview(a, b, state, state == "cut" ? since : null));
        }

        return TypedResults.Ok(new SyncOverview(region.Name, time.GetUtcNow().ToUnixTimeMilliseconds(), regions, links));
    }
}
