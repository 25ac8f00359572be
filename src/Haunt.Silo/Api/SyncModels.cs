using System.Text.Json;

namespace Haunt.Silo.Api;

/// <summary>
/// One peer link as seen from this region; Status is healthy, degraded (retrying or lagging) or needs-snapshot.
/// Watermark is how far the peer acked our outbox; LastSeqApplied and ChangesApplied how far we applied its.
/// </summary>
public sealed record PeerHealth(string Peer, string Status, string LinkState, DateTimeOffset? LastAck, long Watermark, long BacklogRows,
    long BacklogBytes, double OldestPendingAgeMs, bool NeedsSnapshot, long LastSeqApplied, long ChangesApplied);

/// <summary>This region's replication health; Status is the worst of its peers'.</summary>
public sealed record SyncHealth(string Region, string Status, double LagP50Ms, double LagP99Ms, long ChangesApplied, long BatchesRejected,
    long Conflicts, IReadOnlyList<PeerHealth> Peers);

/// <summary>One outbox row still waiting for an ack; Bytes is the size of its state JSON.</summary>
public sealed record QueueItem(long Seq, EntityType EntityType, string EntityId, SyncOperation Operation, string Vector, long CommittedAtMs, int Bytes);

/// <summary>One node_metrics row, its figures as a JSON object rather than the stored JSON text.</summary>
public sealed record MetricsPoint(long Id, string Region, long RecordedAtMs, JsonElement Metrics);

/// <summary>Whether the three regions hold the same data: overall digest per region and the entity types that differ.</summary>
public sealed record Convergence(bool Converged, IReadOnlyDictionary<string, string> Regions, IReadOnlyList<string> DifferingTypes);
