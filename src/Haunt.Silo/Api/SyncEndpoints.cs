namespace Haunt.Silo.Api;

public sealed record PeerHealth(string Peer, string Status, string LinkState, DateTimeOffset? LastAck, long Watermark, long BacklogRows,
    long BacklogBytes, double OldestPendingAgeMs, bool NeedsSnapshot);

public sealed record SyncHealth(string Region, string Status, double LagP50Ms, double LagP99Ms, long ChangesApplied, long BatchesRejected,
    long Conflicts, IReadOnlyList<PeerHealth> Peers);

public sealed record QueueItem(long Seq, EntityType EntityType, string EntityId, SyncOperation Operation, string Vector, long CommittedAtMs, int Bytes);

public sealed record Convergence(bool Converged, IReadOnlyDictionary<string, string> Regions, IReadOnlyList<string> DifferingTypes);

/// <summary>The operator's view of this silo's region: health, metrics, outbox, conflicts, digests, reconcile.</summary>
public static class SyncEndpoints
{
    private static readonly TimeSpan s_degradedAfter = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app, string region)
    {
        var sync = app.MapGroup("/api/sync").WithTags("Sync");
        ISyncQueueGrain Engine(IGrainFactory grains, string r) => grains.GetGrain<ISyncQueueGrain>(r);

        sync.MapGet("/ping", () => TypedResults.Ok(new { region }));

        sync.MapGet("/health", async (IGrainFactory grains) =>
        {
            var status = await Engine(grains, region).GetStatusAsync();
            var peers = status.Peers.Select(p => new PeerHealth(p.Peer,
                p.NeedsSnapshot ? "needs-snapshot" : p.Attempts > 1 || p.OldestPendingAgeMs > s_degradedAfter.TotalMilliseconds ? "degraded" : "healthy",
                p.State, p.LastAckAt, p.Watermark, p.BacklogRows, p.BacklogBytes, p.OldestPendingAgeMs, p.NeedsSnapshot)).ToList();
            var overall = peers.Any(p => p.Status == "needs-snapshot") ? "needs-snapshot" : peers.Any(p => p.Status == "degraded") ? "degraded" : "healthy";
            return TypedResults.Ok(new SyncHealth(region, overall, status.LagP50Ms, status.LagP99Ms, status.ChangesApplied, status.BatchesRejected,
                status.Conflicts, peers));
        });

        sync.MapGet("/metrics", async (long? since, IRegionalStore store) =>
            TypedResults.Ok(await store.MetricsAsync(since ?? DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), 1000)));

        sync.MapGet("/queue", async (string? peer, int? limit, long? after, IRegionalStore store) =>
        {
            if (peer is not null && (!Region.IsKnown(peer) || peer == region))
            {
                return ApiErrors.BadQuery("peer", $"peer must be one of {string.Join(", ", Region.PeersOf(region))}.");
            }

            if (limit is < 1 or > 1000)
            {
                return ApiErrors.BadQuery("limit", "limit must be 1–1000.");
            }

            var rows = await store.QueueAsync(peer, after ?? 0, limit ?? 100);
            return TypedResults.Ok(rows.Select(r => r.Item).Select(i =>
                new QueueItem(i.Seq, i.State.Type, i.State.Id, i.Operation, i.State.Vector.ToString(), i.CommittedAtMs, rows.First(r => r.Seq == i.Seq).Bytes)).ToList());
        });

        sync.MapGet("/conflicts", async (int? limit, long? after, IRegionalStore store) =>
            limit is < 1 or > 1000
                ? ApiErrors.BadQuery("limit", "limit must be 1–1000.")
                : TypedResults.Ok(await store.ConflictsAsync(after ?? 0, limit ?? 100)));

        sync.MapGet("/digest", async (IGrainFactory grains) => TypedResults.Ok(await Engine(grains, region).GetDigestAsync()));

        sync.MapGet("/convergence", (IGrainFactory grains) => ApiErrors.Run(async () =>
        {
            var digests = await Task.WhenAll(Region.All.Select(r => Engine(grains, r).GetDigestAsync()));
            var differing = digests[0].PerType.Keys.Where(t => digests.Select(d => d.PerType.GetValueOrDefault(t)).Distinct().Count() > 1).ToList();
            return TypedResults.Ok(new Convergence(digests.Select(d => d.Overall).Distinct().Count() == 1,
                digests.ToDictionary(d => d.Region, d => d.Overall), differing));
        }));

        sync.MapPost("/reconcile", async (IGrainFactory grains) =>
            TypedResults.Accepted("/api/sync/convergence", await Engine(grains, region).ReconcileAsync()));
        return app;
    }
}
