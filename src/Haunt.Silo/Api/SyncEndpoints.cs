using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>The operator's view of this silo's region: health, metrics, outbox, conflicts, digests, reconcile.</summary>
public static class SyncEndpoints
{
    private const int MaxPage = 1000;
    private static readonly TimeSpan s_degradedAfter = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app, string region)
    {
        var sync = app.MapGroup("/api/sync").WithTags("Sync").ProducesDomainProblems(StatusCodes.Status503ServiceUnavailable);
        ISyncQueueGrain Engine(IGrainFactory grains, string r) => grains.GetGrain<ISyncQueueGrain>(r);

        sync.MapGet("/ping", () => TypedResults.Ok(new { region })).ExcludeFromDescription();
        sync.MapGet("/health", async (IGrainFactory grains) => TypedResults.Ok(Health(region, await Engine(grains, region).GetStatusAsync())))
            .WithSummary("This region and each peer link: state, last ack, watermark, backlog, lag, status.");

        sync.MapGet("/metrics", async (long? since, IRegionalStore store) =>
        {
            var rows = await store.MetricsAsync(since ?? DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), MaxPage);
            // Deserialized to a JsonElement that owns its data: no JsonDocument (pooled buffers) left undisposed.
            return TypedResults.Ok(rows.Select(r => new MetricsPoint(r.Id, r.Region, r.RecordedAtMs, JsonSerializer.Deserialize<JsonElement>(r.Metrics))).ToList());
        }).WithSummary("node_metrics rows recorded since `since` (unix ms; default: the last hour).");

        sync.MapGet("/queue", async Task<Results<Ok<List<QueueItem>>, ValidationProblem>> (string? peer, int? limit, long? after, IRegionalStore store) =>
        {
            if (peer is not null && (!KnownRegions.IsKnown(peer) || peer == region))
            {
                return ApiErrors.BadQuery("peer", $"peer must be one of {string.Join(", ", KnownRegions.PeersOf(region))}.");
            }

            if (limit is < 1 or > MaxPage)
            {
                return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxPage}.");
            }

            var rows = await store.QueueAsync(peer, after ?? 0, limit ?? 100);
            return TypedResults.Ok(rows.Select(r => (r.Item, r.Bytes)).Select(x =>
                new QueueItem(x.Item.Seq, x.Item.State.Type, x.Item.State.Id, x.Item.Operation, x.Item.State.Vector.ToString(), x.Item.CommittedAtMs, x.Bytes)).ToList());
        }).WithSummary("Outbox rows not yet acked (by `peer`, or by any peer), paged by seq: pass the last seq as `after`.");

        sync.MapGet("/conflicts", async Task<Results<Ok<IReadOnlyList<ConflictRecord>>, ValidationProblem>> (int? limit, long? after, IRegionalStore store) =>
            limit is < 1 or > MaxPage
                ? ApiErrors.BadQuery("limit", $"limit must be 1–{MaxPage}.")
                : TypedResults.Ok(await store.ConflictsAsync(after ?? 0, limit ?? 100)))
            .WithSummary("The conflict log, paged by id.");

        sync.MapGet("/digest", async (IGrainFactory grains) => TypedResults.Ok(await Engine(grains, region).GetDigestAsync()))
            .WithSummary("This region's data digest, overall and per entity type.");

        sync.MapGet("/convergence", async (IGrainFactory grains) =>
        {
            // Each region's digest comes from its own silo (the grain lives there), not from this silo's file.
            var digests = await Task.WhenAll(KnownRegions.All.Select(r => Engine(grains, r).GetDigestAsync()));
            var types = digests.SelectMany(d => d.PerType.Keys).Distinct().Order();
            var differing = types.Where(t => digests.Select(d => d.PerType.GetValueOrDefault(t, "")).Distinct().Count() > 1).ToList();
            return TypedResults.Ok(new Convergence(digests.Select(d => d.Overall).Distinct().Count() == 1,
                digests.ToDictionary(d => d.Region, d => d.Overall), differing));
        }).WithSummary("Asks all three regions for their digests: converged yes/no and the entity types that differ.");

        sync.MapPost("/reconcile", async (IGrainFactory grains) =>
            TypedResults.Accepted("/api/sync/convergence", await Engine(grains, region).ReconcileAsync()))
            .WithSummary("Starts an anti-entropy round with every peer now; watch /api/sync/convergence.");
        return app;
    }

    private static SyncHealth Health(string region, SyncStatus status)
    {
        var peers = status.Peers.Select(p => new PeerHealth(p.Peer, PeerStatusOf(p), p.State, p.LastAckAt, p.Watermark, p.BacklogRows,
            p.BacklogBytes, p.OldestPendingAgeMs, p.NeedsSnapshot, p.LastSeqApplied, p.ChangesAppliedFrom)).ToList();
        var overall = peers.Any(p => p.Status == "needs-snapshot") ? "needs-snapshot" : peers.Any(p => p.Status == "degraded") ? "degraded" : "healthy";
        return new SyncHealth(region, overall, status.LagP50Ms, status.LagP99Ms, status.ChangesApplied, status.BatchesRejected, status.Conflicts, peers);
    }

    // Degraded: a batch had to be resent, or the oldest change has waited longer than a healthy link takes.
    private static string PeerStatusOf(PeerStatus p) =>
        p.NeedsSnapshot ? "needs-snapshot" : p.Attempts > 1 || p.OldestPendingAgeMs > s_degradedAfter.TotalMilliseconds ? "degraded" : "healthy";
}
