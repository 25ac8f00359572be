namespace Haunt.Storage;

/// <summary>A local write: the new state, and the version the writer read (optimistic concurrency).</summary>
public sealed record LocalWrite(EntityState State, SyncOperation Operation, long ExpectedVersion);

public enum CommitStatus { Committed, VersionMismatch }

/// <summary>Result of committing local writes. On a mismatch nothing was written; Current is the stored state.</summary>
public sealed record CommitResult(CommitStatus Status, EntityState? Current);

public enum ApplyOutcome { Applied, Ignored, Conflict }

/// <summary>What to do with an incoming state: store it (or the resolved winner), or ignore it.</summary>
public sealed record Resolution(ApplyOutcome Outcome, EntityState? ToStore = null, string? Winner = null, string? Policy = null)
{
    public static Resolution Ignore { get; } = new(ApplyOutcome.Ignored);
}

/// <summary>Decides, inside the apply transaction, how an incoming state meets the local one.</summary>
public interface IChangeResolver
{
    Resolution Resolve(EntityState? local, EntityState incoming);
}

/// <summary>What one applied batch did: states now stored, duplicates/stale skipped, conflicts logged.</summary>
public sealed record ApplyResult(IReadOnlyList<EntityState> Stored, int Ignored, IReadOnlyList<ConflictRecord> Conflicts);

/// <summary>
/// An outbox row waiting for a peer. ItemJson is the change as it goes on the wire (a ChangeItem in
/// <see cref="StateJson"/> form), built from the stored columns so the sender never re-parses states. Priority: the
/// one it was queued with (what <see cref="OutboxCursor"/> is kept by).
/// </summary>
public sealed record OutboxRow(long Seq, string ItemJson, int Bytes, int Priority)
{
    public ChangeItem Item => StateJson.Deserialize<ChangeItem>(ItemJson);

    /// <summary>
    /// The wire form of a change, assembled from its outbox columns (property names as StateJson writes them). A change
    /// made outside a trace has no traceParent at all: no bytes on the wire for it.
    /// </summary>
    public static string ItemJsonOf(long seq, SyncOperation operation, string stateJson, long committedAtMs, string? traceParent = null) =>
        $"{{\"seq\":{seq},\"operation\":\"{operation}\",\"state\":{stateJson},\"committedAtMs\":{committedAtMs}" +
        (traceParent is null ? "}" : $",\"traceParent\":{System.Text.Json.JsonSerializer.Serialize(traceParent)}}}");
}

/// <summary>The next rows a peer's sender would read: how many, and their state JSON's length.</summary>
public sealed record PendingSize(int Rows, long Bytes);

/// <summary>A peer's backlog in this region's outbox; LastSeq = outbox rows ever written here (local writes).</summary>
public sealed record Backlog(long Rows, long Bytes, long? OldestCommittedAtMs, long LastSeq = 0);

/// <summary>A region's data digest: per type and overall, over (type, id, version vector, deleted).</summary>
public sealed record RegionDigest(string Overall, long Entities, IReadOnlyDictionary<EntityType, string> PerType)
{
    /// <summary>The digest of every type's <see cref="StampSum"/> (a type with no rows sums to zero): the same in every store implementation.</summary>
    public static RegionDigest Of(IReadOnlyDictionary<EntityType, StampSum> sums)
    {
        var perType = EntityTypes.All.ToDictionary(i => i.Type, i => Hex($"{(int)i.Type}|{sums.GetValueOrDefault(i.Type).Digest}"));
        var overall = Hex(string.Join("\n", perType.OrderBy(p => p.Key).Select(p => p.Value)));
        return new RegionDigest(overall, sums.Values.Sum(s => s.Live), perType);
    }

    private static string Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// A row's id, its reconciliation bucket and its stamp hash (<see cref="StampHash"/>): what a repair round compares;
/// ModifiedAtMs, the wall time of its last write, tells a round which rows the live path is still delivering.
/// </summary>
public sealed record HashedStamp(string Id, int Bucket, long Hash, long ModifiedAtMs = 0);

/// <summary>An entity's identity and version, what reconciliation compares between regions.</summary>
public sealed record VersionStamp(string Id, VersionVector Vector, bool Deleted);

/// <summary>
/// The sync_state row of a peer: our side of the link with a peer: what the peer acked of our outbox (Watermark), and what we applied of
/// its outbox (the highest seq of its we applied and how many of its changes we stored; for operators, since
/// double apply is prevented by the vector compare, not by this seq).
/// </summary>
public sealed record PeerState(string Peer, long Watermark, long? LastAckAtMs, bool NeedsSnapshot, long LastSeqApplied, long ChangesApplied);

/// <summary>A node_metrics row: one JSON document of the region's sync figures at a moment.</summary>
public sealed record MetricsRow(long Id, string Region, long RecordedAtMs, string Metrics);

/// <summary>The membership a region adopted, and whether it serves (false while it joins: it catches up before it answers).</summary>
public sealed record StoredMembership(Membership Membership, bool Serving);
