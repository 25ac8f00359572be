using Haunt.Grains.Door;
using System.Security.Claims;
using System.Text.Json;
using Haunt.Grains.Replication;
using Haunt.Grains.Sync;
using Haunt.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Haunt.Silo.Api;

/// <summary>
/// The operator's view of this silo's region: health, metrics, outbox, conflicts, digests, reconcile. Health
/// answers from this region's own cluster and store only; convergence asks the peers over the peer link and
/// reports those it cannot reach instead of waiting for them.
/// </summary>
public static class SyncEndpoints
{
    private const int MaxPage = 1000;
    private static readonly TimeSpan s_degradedAfter = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sync").WithTags("Sync").ProducesDomainProblems(StatusCodes.Status503ServiceUnavailable);
        // The liveness probe: the one endpoint without authentication (it says only that the process answers).
        group.MapGet("/ping", (SiloRegion region) => TypedResults.Ok(new { region = region.Name })).AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/health", HealthAsync)
            .WithSummary("This region, its silos and each peer link: reachable, state, last ack, watermark, backlog, lag, status. Local state only. Any authenticated caller.");
        var sync = group.MapGroup("").RequireAuthorization(HauntPolicies.Operator).ProducesDomainProblems(StatusCodes.Status403Forbidden);
        sync.MapGet("/metrics", MetricsAsync).WithSummary("node_metrics rows recorded since `since` (unix ms; default: the last hour).");
        sync.MapGet("/queue", QueueAsync).WithSummary("Outbox rows not yet acked (by `peer`, or by any peer), paged by seq: pass the last seq as `after`.");
        sync.MapGet("/conflicts", ConflictsAsync).WithSummary("The conflict log, paged by id; the entity states in it only with the auditor role as well.");
        sync.MapGet("/digest", async (IGrainFactory grains, SiloRegion region, CancellationToken cancellationToken) =>
                TypedResults.Ok(await grains.GetGrain<IRegionStatusGrain>(region.Name).GetDigestAsync(cancellationToken)))
            .WithSummary("This region's data digest, overall and per entity type.");
        sync.MapGet("/convergence", ConvergenceAsync)
            .WithSummary("Asks every region for its digest over the peer link: converged yes/no, the entity types that differ, the regions that could not be reached.");
        sync.MapGet("/overview", OverviewEndpoint.OverviewAsync)
            .WithSummary("The three regions (writes, applied, lag, conflicts, backlog per peer) and the state of their three links, as this region sees them; each peer asked over the peer link.");
        sync.MapGet("/membership", async (IGrainFactory grains, SiloRegion region) =>
                TypedResults.Ok(await grains.GetGrain<ISyncQueueGrain>(region.Name).GetMembershipAsync()))
            .WithSummary("The membership this region holds: its agreed version and regions, whether it serves, a change under way and how the last one ended.");
        sync.MapPost("/membership/regions", AddRegionAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a region to the running deployment: proposed to every region, adopted once all accepted (one change at a time: 409 while one is under way). Start the region's silos with Haunt:Join first; watch /api/sync/membership.");
        sync.MapDelete("/membership/regions/{region}", RemoveRegionAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Removes a region from the running deployment: once all agreed it takes no new writes (503 \"leaving\"), hands its portfolios and their entities to `home` (default: the primary), drains its outbox and is then removed by all. Watch /api/sync/membership.");
        sync.MapPost("/reconcile", async (RequestedRounds rounds, CancellationToken cancellationToken) =>
            TypedResults.Accepted("/api/sync/convergence", await rounds.StartAsync(cancellationToken)))
            .WithSummary("Starts an anti-entropy round with every peer now, or answers the one this silo started less than Haunt:Sync:MinReconcileInterval ago (coalesced); watch /api/sync/convergence.");
        return app;
    }

    private static async Task<Ok<SyncHealth>> HealthAsync(IGrainFactory grains, SiloRegion region, PeerClients peers, IClusterMembershipService membership,
        IOptions<ClusterOptions> cluster, RegionDoor door, IServiceProvider services, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // Any user may ask; only operators learn where the silos are and what error a peer link last saw.
        var operatorView = user.IsInRole(HauntPolicies.OperatorRole);
        var status = await grains.GetGrain<IRegionStatusGrain>(region.Name).GetStatusAsync(cancellationToken);
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status is not SiloStatus.Dead)
            .Select(m => new SiloHealth(m.Name, operatorView ? m.SiloAddress.ToParsableString() : null, m.Status.ToString())).ToList();
        var health = status.Peers.Select(p => (Link: p, Reach: peers.Find(p.Peer)?.Reachability ?? new PeerReachability(p.Peer, false, null, "no gateway of this region is known")))
            .Select(x => new PeerHealth(x.Link.Peer, PeerStatusOf(x.Link, x.Reach), x.Link.State, x.Link.LastAckAt, x.Link.Watermark, x.Link.BacklogRows,
                x.Link.BacklogBytes, x.Link.OldestPendingAgeMs, x.Link.NeedsSnapshot, x.Link.LastSeqApplied, x.Link.ChangesAppliedFrom,
                x.Reach.Reachable, x.Reach.UnreachableSince, operatorView ? x.Reach.LastError : null)).ToList();
        string[] worstFirst = ["unreachable", "needs-snapshot", "degraded"];
        var overall = worstFirst.FirstOrDefault(s => health.Any(p => p.Status == s)) ?? "healthy";
        // A region being added or removed says so, with its progress (asked of its sync loop only then).
        var changing = region.Serving && !region.Leaving ? null : await grains.GetGrain<ISyncQueueGrain>(region.Name).GetMembershipAsync();
        var state = region.Removed ? "removed" : !region.Serving ? "joining" : region.Leaving ? "leaving" : overall;
        return TypedResults.Ok(new SyncHealth(region.Name, cluster.Value.ClusterId, state, silos, status.LagP50Ms, status.LagP99Ms,
            status.ChangesApplied, status.BatchesRejected, status.Conflicts, status.LocalWrites, health, services.GetService<LinkTls>()?.Refused,
            new DoorHealth(door.Admitted, door.Refused, door.CallsRefused), operatorView ? status.SyncLoopSilo : null, region.Membership.Version,
            changing?.Join, changing?.Leave, status.Deltas, status.Feed));
    }

    private static async Task<Ok<List<MetricsPoint>>> MetricsAsync(long? since, IRegionalStore store, CancellationToken cancellationToken)
    {
        var rows = await store.MetricsAsync(since ?? DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), MaxPage, cancellationToken);
        // Deserialized to a JsonElement that owns its data: no JsonDocument (pooled buffers) left undisposed.
        return TypedResults.Ok(rows.Select(r => new MetricsPoint(r.Id, r.Region, r.RecordedAtMs, JsonSerializer.Deserialize<JsonElement>(r.Metrics))).ToList());
    }

    private static async Task<Results<Accepted<MembershipAnswer>, ProblemHttpResult>> AddRegionAsync(AddRegionRequest request, IGrainFactory grains, SiloRegion region)
    {
        if (!RegionNames.IsWellFormed(request.Region))
        {
            return ApiErrors.Unprocessable("region", $"region must be a region name ({RegionNames.Rule}).");
        }

        if (request.Gateways is not { Length: > 0 and <= 16 } gateways || gateways.Any(g => !System.Net.IPEndPoint.TryParse(g, out var e) || e.Port == 0))
        {
            return ApiErrors.Unprocessable("gateways", "gateways must list 1–16 gateway endpoints of the region's cluster as ip:port.");
        }

        return Answer(await grains.GetGrain<ISyncQueueGrain>(region.Name).ProposeAddRegionAsync(request.Region!, gateways), "region");
    }

    private static async Task<Results<Accepted<MembershipAnswer>, ProblemHttpResult>> RemoveRegionAsync(string region, string? home, IGrainFactory grains, SiloRegion silo)
    {
        if (!RegionNames.IsWellFormed(region) || (home is not null && !RegionNames.IsWellFormed(home)))
        {
            return ApiErrors.Unprocessable(RegionNames.IsWellFormed(region) ? "home" : "region", $"region and home must be region names ({RegionNames.Rule}).");
        }

        return Answer(await grains.GetGrain<ISyncQueueGrain>(silo.Name).ProposeRemoveRegionAsync(region, home), "region");
    }

    /// <summary>An operator's membership change as HTTP: 202 proposed, 409 another under way, 503 this region does not serve, else 422 on <paramref name="field"/>.</summary>
    private static Results<Accepted<MembershipAnswer>, ProblemHttpResult> Answer(MembershipAnswer answer, string field) => answer.Outcome switch
    {
        MembershipOutcome.Proposed => TypedResults.Accepted("/api/sync/membership", answer),
        MembershipOutcome.InProgress => TypedResults.Problem(answer.Problem, statusCode: StatusCodes.Status409Conflict, title: "A membership change is in progress"),
        MembershipOutcome.NotServing => TypedResults.Problem(answer.Problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not serving, retry"),
        _ => ApiErrors.Unprocessable(field, answer.Problem ?? "The change is not possible."),
    };

    private static async Task<Results<Ok<List<QueueItem>>, ValidationProblem>> QueueAsync(string? peer, int? limit, long? after, IRegionalStore store, SiloRegion region,
        CancellationToken cancellationToken)
    {
        if (peer is not null && (!region.Regions.Contains(peer) || peer == region.Name))
        {
            return ApiErrors.BadQuery("peer", $"peer must be one of {string.Join(", ", region.Peers)}.");
        }

        if (limit is < 1 or > MaxPage)
        {
            return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxPage}.");
        }

        var rows = await store.QueueAsync(peer, after ?? 0, limit ?? 100, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new QueueItem(r.Item.Seq, r.Item.State.Type, r.Item.State.Id, r.Item.Operation, r.Item.State.Vector.ToString(),
            r.Item.CommittedAtMs, r.Bytes)).ToList());
    }

    /// <summary>The conflict log; the states of the users' entities in it only for an auditor (<see cref="HauntPolicies.AuditorRole"/>).</summary>
    private static async Task<Results<Ok<List<ConflictView>>, ValidationProblem>> ConflictsAsync(int? limit, long? after, IRegionalStore store,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage)
        {
            return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxPage}.");
        }

        var auditor = user.IsInRole(HauntPolicies.AuditorRole);
        var rows = await store.ConflictsAsync(after ?? 0, limit ?? 100, cancellationToken);
        return TypedResults.Ok(rows.Select(c => ConflictView.Of(c, withPayloads: auditor)).ToList());
    }

    private static async Task<Ok<Convergence>> ConvergenceAsync(IGrainFactory grains, SiloRegion region, RegionReach reach, CancellationToken cancellationToken)
    {
        // This region's digest from its own grain; each peer's from the peer's grain, through the peer link. A client
        // that goes away stops all three scans.
        var peers = region.Peers
            .Select(peer => reach.TryCallAsync(peer, (g, ct) => g.GetGrain<IRegionStatusGrain>(peer).GetDigestAsync(ct), cancellationToken)).ToList();
        var own = await grains.GetGrain<IRegionStatusGrain>(region.Name).GetDigestAsync(cancellationToken);
        var digests = (await Task.WhenAll(peers)).OfType<DigestReport>().Prepend(own).ToList();
        var unreachable = region.Regions.All.Except(digests.Select(d => d.Region)).ToList();
        var types = digests.SelectMany(d => d.PerType.Keys).Distinct().Order();
        var differing = types.Where(t => digests.Select(d => d.PerType.GetValueOrDefault(t, "")).Distinct().Count() > 1).ToList();
        return TypedResults.Ok(new Convergence(unreachable.Count == 0 && digests.Select(d => d.Overall).Distinct().Count() == 1,
            digests.ToDictionary(d => d.Region, d => d.Overall), differing, unreachable, digests.ToDictionary(d => d.Region, d => d.Entities)));
    }

    private static string PeerStatusOf(PeerStatus p, PeerReachability reach) =>
        !reach.Reachable ? "unreachable"
        : p.NeedsSnapshot ? "needs-snapshot"
        : IsDegraded(p) ? "degraded" : "healthy";

    /// <summary>Degraded: a batch had to be resent, or the oldest change has waited longer than a healthy link takes.</summary>
    internal static bool IsDegraded(PeerStatus p) => p.Attempts > 1 || p.OldestPendingAgeMs > s_degradedAfter.TotalMilliseconds;
}
