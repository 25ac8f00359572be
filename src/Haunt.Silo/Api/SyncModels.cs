using System.Text.Json;

namespace Haunt.Silo.Api;

/// <summary>
/// One peer link as seen from this region; Status is healthy, degraded (retrying or lagging), unreachable (the
/// peer's cluster does not answer; since UnreachableSince) or needs-snapshot. Watermark is how far the peer
/// acked our outbox; LastSeqApplied and ChangesApplied how far we applied its.
/// </summary>
public sealed record PeerHealth(string Peer, string Status, string LinkState, DateTimeOffset? LastAck, long Watermark, long BacklogRows,
    long BacklogBytes, double OldestPendingAgeMs, bool NeedsSnapshot, long LastSeqApplied, long ChangesApplied, bool Reachable,
    DateTimeOffset? UnreachableSince, string? LastError);

/// <summary>A silo of this region's own cluster; its address only for operators.</summary>
public sealed record SiloHealth(string Name, string? Address, string Status);

/// <summary>
/// This region's replication health, answered from this region's own state only (it answers while every
/// peer is cut off); Status is the worst of its peers'. Cluster is this region's Orleans cluster id.
/// TlsRefused: connections this silo refused because the other side's certificate did not chain to the
/// deployment's CA (null when TLS is off). Door: what this silo's door admitted and refused. SyncLoopSilo: where
/// the region's sync loop runs (operators only). LocalWrites: changes committed in this region since its loop started.
/// Status is "joining" while the region is being added (Join: its progress), "leaving" while it is being removed
/// (Leave: its progress) and "removed" once it left; MembershipVersion the agreed membership it holds. Deltas: large
/// updates sent and received as deltas, refused, resent whole, and the bytes they saved. Feed: the change feed's
/// consumer groups in this region, how many are stuck and how far behind the furthest is (no group names).
/// </summary>
public sealed record SyncHealth(string Region, string Cluster, string Status, IReadOnlyList<SiloHealth> Silos, double LagP50Ms, double LagP99Ms,
    long ChangesApplied, long BatchesRejected, long Conflicts, long LocalWrites, IReadOnlyList<PeerHealth> Peers, long? TlsRefused, DoorHealth Door,
    string? SyncLoopSilo, long MembershipVersion, JoinProgress? Join, LeaveProgress? Leave, DeltaCounts? Deltas, FeedConsumers? Feed);

/// <summary>
/// This silo's door: connections admitted, connections refused by reason (NoProof, WrongKey, WrongRole, NotAllowed,
/// CertificateMismatch), and grain calls from peer regions refused because the peer link does not make them.
/// </summary>
public sealed record DoorHealth(long Admitted, IReadOnlyDictionary<string, long> Refused, long CallsRefused);

/// <summary>One outbox row still waiting for an ack; Bytes is the size of its state JSON.</summary>
public sealed record QueueItem(long Seq, EntityType EntityType, string EntityId, SyncOperation Operation, string Vector, long CommittedAtMs, int Bytes);

/// <summary>One node_metrics row, its figures as a JSON object rather than the stored JSON text.</summary>
public sealed record MetricsPoint(long Id, string Region, long RecordedAtMs, JsonElement Metrics);

/// <summary>
/// Whether the three regions hold the same data: overall digest per region reached, the entity types that
/// differ, the regions that could not be asked (then Converged is false: unknown is not equal), and the live
/// entities each region reached holds.
/// </summary>
public sealed record Convergence(bool Converged, IReadOnlyDictionary<string, string> Regions, IReadOnlyList<string> DifferingTypes,
    IReadOnlyList<string> Unreachable, IReadOnlyDictionary<string, long> Entities);

/// <summary>
/// One row of the conflict log as the API shows it. LocalPayload and RemotePayload (the two states; null for a
/// delete) only for a caller with the auditor role; for anyone else PayloadsRedacted is true and both are null.
/// </summary>
public sealed record ConflictView(long Id, EntityType EntityType, string EntityId, string LocalVector, string RemoteVector, string? LocalPayload,
    string? RemotePayload, bool PayloadsRedacted, string LocalRegion, string RemoteRegion, string Winner, string Policy, string DetectedIn, long DetectedAtMs)
{
    public static ConflictView Of(ConflictRecord c, bool withPayloads) => new(c.Id, c.EntityType, c.EntityId, c.LocalVector, c.RemoteVector,
        withPayloads ? c.LocalPayload : null, withPayloads ? c.RemotePayload : null, !withPayloads, c.LocalRegion, c.RemoteRegion, c.Winner, c.Policy,
        c.DetectedIn, c.DetectedAtMs);
}

/// <summary>An operator's request to add a region: its name and the gateways ("ip:port") of its cluster, where the other regions reach it.</summary>
public sealed record AddRegionRequest(string? Region, string[]? Gateways);
