namespace Haunt.Abstractions.Sync;

// The sync protocol (docs/architecture.md §3). Every message names its origin and destination region; the stream it
// travels on is keyed by the destination.

[GenerateSerializer, Immutable, Alias("haunt.SyncMessage")]
public abstract record SyncMessage([property: Id(0)] string From, [property: Id(1)] string To)
{
    /// <summary>
    /// The sender's seal (<see cref="MessageSeal"/>), on every message but a <see cref="ChangeBatch"/>, which carries
    /// its own signature over its content (and whose replay only re-applies changes already there).
    /// </summary>
    [Id(2)] public MessageSeal? Seal { get; init; }
}

/// <summary>
/// Changes in (priority, seq) order. Body = Brotli(JSON items); checksum and HMAC cover it. <see cref="SentAt"/> is
/// the sender's clock (UTC ticks) when this copy left, echoed by the ack: it tells the sender which copy arrived, so
/// it measures round trips on resends too and knows which batches sent before that copy were lost. It is not
/// signed: all a forger could move with it is the sender's round-trip estimate.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.ChangeBatch")]
public sealed record ChangeBatch(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] int Count,
    [property: Id(2)] byte[] Body,
    [property: Id(3)] byte[] Checksum,
    [property: Id(4)] byte[] Signature,
    [property: Id(5)] long SentAt = 0) : SyncMessage(From, To);

/// <summary>
/// A batch was applied (or all of it was already there). <see cref="EchoSentAt"/> is the applied copy's
/// <see cref="ChangeBatch.SentAt"/>. <see cref="Refused"/>: the seqs of changes sent as deltas that the receiver could
/// not apply (it did not hold their base); they stay in the sender's outbox and go again whole. Sealed: a forged ack
/// would make the sender delete outbox rows the peer never got.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.BatchAck")]
public sealed record BatchAck(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] int Applied,
    [property: Id(2)] int Conflicts,
    [property: Id(3)] long EchoSentAt = 0,
    [property: Id(4)] long[]? Refused = null) : SyncMessage(From, To);

/// <summary>A batch failed verification (checksum, signature or format) and applied nothing; resend it.</summary>
[GenerateSerializer, Immutable, Alias("haunt.BatchReject")]
public sealed record BatchReject(
    string From,
    string To,
    [property: Id(0)] long BatchId,
    [property: Id(1)] string Reason) : SyncMessage(From, To);

/// <summary>
/// Where the sender stands: its watermark, its queue depth and the version of the membership it holds. A receiver
/// that holds a newer version answers with it (<see cref="MembershipCommit"/>): a region cut off during a change, or
/// one waiting to be admitted, learns it this way once the link works.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.Heartbeat")]
public sealed record Heartbeat(
    string From,
    string To,
    [property: Id(0)] long Watermark,
    [property: Id(1)] long QueueDepth,
    [property: Id(2)] long MembershipVersion = 0) : SyncMessage(From, To);

/// <summary>Asks a peer for its per-type, per-bucket digests of (id, version vector) (anti-entropy round start).</summary>
[GenerateSerializer, Immutable, Alias("haunt.DigestRequest")]
public sealed record DigestRequest(
    string From,
    string To,
    [property: Id(0)] long RoundId,
    [property: Id(1)] int Buckets) : SyncMessage(From, To);

/// <summary>Bucket digests per entity type: Digests[type][bucket] = hex SHA-256 (empty bucket = "").</summary>
[GenerateSerializer, Immutable, Alias("haunt.DigestResponse")]
public sealed record DigestResponse(
    string From,
    string To,
    [property: Id(0)] long RoundId,
    [property: Id(1)] IReadOnlyDictionary<Entities.EntityType, string[]> Digests) : SyncMessage(From, To);

/// <summary>
/// The second and third legs of a round. From the asker, after a differing <see cref="DigestResponse"/>: the buckets
/// that differ and, in <see cref="Held"/>, a fingerprint of every version it holds in them; the peer answers with its
/// states the asker lacks or holds otherwise, and with a request naming, in <see cref="Ids"/>, those it wants of the
/// asker's (empty when none: that request also tells the asker its round is done). A request with <see cref="Ids"/>
/// is answered with exactly those states. With neither, the peer sends every state it holds in the buckets. The
/// peer's answer sets <see cref="More"/> when it had more states for the asker than one response may carry: the
/// round then caught the asker up only in part. <see cref="LeaveInFlight"/> (a routine round, set by the asker and
/// echoed by the peer): each side leaves out its states young enough to be still in flight on the live path.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.RepairRequest")]
public sealed record RepairRequest(
    string From,
    string To,
    [property: Id(0)] long RoundId,
    [property: Id(1)] IReadOnlyDictionary<Entities.EntityType, int[]> Buckets,
    [property: Id(2)] int BucketCount,
    [property: Id(3)] IReadOnlyDictionary<Entities.EntityType, IReadOnlyDictionary<string, long>>? Held = null,
    [property: Id(4)] IReadOnlyDictionary<Entities.EntityType, string[]>? Ids = null,
    [property: Id(5)] bool More = false,
    [property: Id(6)] bool LeaveInFlight = false) : SyncMessage(From, To);

/// <summary>Full states asked for by a <see cref="RepairRequest"/>, as a signed, compressed batch applied like live changes.</summary>
[GenerateSerializer, Immutable, Alias("haunt.RepairResponse")]
public sealed record RepairResponse(
    string From,
    string To,
    [property: Id(0)] long RoundId,
    [property: Id(1)] ChangeBatch States) : SyncMessage(From, To);

/// <summary>"You fell too far behind me: catch up from state." The receiver starts a reconciliation round.</summary>
[GenerateSerializer, Immutable, Alias("haunt.SnapshotRequest")]
public sealed record SnapshotRequest(
    string From,
    string To,
    [property: Id(0)] long ReleasedRows) : SyncMessage(From, To);

/// <summary>Tells peers a concurrent pair was detected and how it was resolved here (for their conflict feed).</summary>
[GenerateSerializer, Immutable, Alias("haunt.ConflictNotice")]
public sealed record ConflictNotice(
    string From,
    string To,
    [property: Id(0)] Entities.EntityType EntityType,
    [property: Id(1)] string EntityId,
    [property: Id(2)] string Winner,
    [property: Id(3)] string Policy) : SyncMessage(From, To);

/// <summary>
/// Phase one of a membership change: the region an operator asked proposes <see cref="Proposed"/> (its own version
/// plus one) to every region of its current version. Each accepts it only if it holds the version before it and has
/// promised no other change.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.MembershipProposal")]
public sealed record MembershipProposal(
    string From,
    string To,
    [property: Id(0)] Regions.Membership Proposed) : SyncMessage(From, To);

/// <summary>A region's answer to a <see cref="MembershipProposal"/> of <see cref="Version"/>: accepted, or refused and why.</summary>
[GenerateSerializer, Immutable, Alias("haunt.MembershipVote")]
public sealed record MembershipVote(
    string From,
    string To,
    [property: Id(0)] long Version,
    [property: Id(1)] bool Accepted,
    [property: Id(2)] string Reason) : SyncMessage(From, To);

/// <summary>
/// An agreed membership: sent by the proposer once every region accepted, and by any region to a peer whose
/// heartbeat shows an older version. Adopted when newer than the receiver's.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.MembershipCommit")]
public sealed record MembershipCommit(
    string From,
    string To,
    [property: Id(0)] Regions.Membership Agreed) : SyncMessage(From, To);
