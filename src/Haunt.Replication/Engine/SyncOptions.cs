namespace Haunt.Replication.Engine;

/// <summary>Settings of the sync loops (section "Haunt:Sync").</summary>
public sealed class SyncOptions
{
    /// <summary>How often the outbox is flushed when nothing wakes it earlier.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most batches sent to one peer and not yet acked: the send window is a pipeline, so a WAN round trip does
    /// not idle the link. Together with <see cref="MaxChangesInFlight"/> it bounds what a resend can cost.
    /// </summary>
    public int MaxBatchesInFlight { get; set; } = 64;

    /// <summary>
    /// Most changes in flight to one peer: the window's size in changes, to cover the bandwidth-delay product
    /// (20,000 changes per 170 ms round trip ≈ 118,000 changes/s per link, above what a region writes here).
    /// </summary>
    public int MaxChangesInFlight { get; set; } = 20_000;

    /// <summary>Most changes in one ChangeBatch.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// The shortest wait for an ack before the first resend; the wait grows with the peer's measured round trip
    /// (smoothed RTT + 4 × its variation, as TCP does), so a slow but working link is not flooded with resends.
    /// Later resends back off exponentially.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the resend backoff.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cluster key for the HMAC-SHA256 batch signature, base64 (at least 32 bytes): batches are signed with it.</summary>
    public string ClusterKey { get; set; } = "";

    /// <summary>
    /// Keys also accepted on batches received, during a rotation: first every region accepts the new key, then
    /// every region signs with it (the old one accepted here meanwhile), then the old one is dropped.
    /// </summary>
    public List<string> AcceptedKeys { get; set; } = [];

    /// <summary>
    /// How long a proposed membership change waits for every region's vote before it is given up (and how long a
    /// region's promise to a proposer holds, twice this): a region that cannot be reached blocks a change, never
    /// splits the deployment into two memberships.
    /// </summary>
    public TimeSpan MembershipTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sync loop publishes its link status (states, acks, counters, lag) to every silo of the region, for operators and peers to read.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often each peer gets a Heartbeat (watermark and queue depth; a needs-snapshot peer is caught up on it).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Anti-entropy period (a reminder; reminders tick at most once a minute).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most states one side ships in one anti-entropy round (read and sent in chunks, so memory holds one chunk); a
    /// round that had more to ship is partial and followed by another. Every round scans every version on both sides,
    /// so a joining region's snapshot costs one such scan per this many entities: 8,000 made a join into 1,000,000
    /// entities 125 rounds. Larger rounds hold the sender's sync loop longer in one turn.
    /// </summary>
    public int RepairStatesPerRound { get; set; } = 100_000;

    /// <summary>
    /// How long a joining region waits without a message of its round under way before it starts the round again, and
    /// without a message of its donor before it takes the next region as donor. A donor's turn that compares and ships
    /// a round's states at 1,000,000 entities takes longer than five heartbeats (measured: the donor was swapped every
    /// 5 s and the snapshot stopped at 606,266 of 999,999 states); a dead donor costs this long before the swap.
    /// </summary>
    public TimeSpan JoinSilence { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Routine rounds (the periodic one and those operators ask for) leave out states written less than this before the
    /// round, plus the age of the oldest change still waiting for that peer's ack: the live path is delivering them.
    /// Under load every bucket differs by the changes in flight, and repairing them as well doubled the work exactly
    /// when replication was behind (docs/benchmarks.md). A state the live path really lost is repaired by the first
    /// round after it is that old. Catch-up, snapshot and join rounds ship everything. Zero: routine rounds ship
    /// everything too.
    /// </summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hash buckets per entity type in reconciliation digests.</summary>
    public int ReconcileBuckets { get; set; } = 64;

    /// <summary>
    /// Rounds operators ask for (POST /api/sync/reconcile) start at most once per this interval; a request within it
    /// gets the round already started. Measured at 100K entities per region (docs/benchmarks.md): operators asking
    /// ten times a second kept the sync loop scanning and replication stopped draining; a round every 10 s still
    /// took replication to 0.40 of its quiet throughput. The periodic round (ReconcileInterval) is every 5 min.
    /// </summary>
    public TimeSpan MinReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A digest read for operators and peers (a scan of every table) is answered from the last one taken on this silo
    /// if it is younger than this; zero scans every time. Operators asking for convergence as fast as the rate limits
    /// let them scanned 100K entities per region many times a second and starved replication of CPU.
    /// </summary>
    public TimeSpan DigestMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-peer outbox bound in rows; past it the peer is marked needs-snapshot and its backlog released.</summary>
    public long MaxBacklogRows { get; set; } = 200_000;

    /// <summary>Per-peer outbox bound in bytes of state JSON.</summary>
    public long MaxBacklogBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long conflict log rows are kept (pruned by detection time every metrics interval).</summary>
    public TimeSpan ConflictRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the change feed keeps a change (pruned by the time this region committed it, every metrics interval). A
    /// consumer whose token is older gets 410 Gone and restarts from now or from a snapshot.
    /// </summary>
    public TimeSpan FeedRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A consumer group of the change feed that is behind and has not stored a checkpoint for this long is reported as stuck.</summary>
    public TimeSpan FeedStuckAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long node_metrics rows are kept.</summary>
    public TimeSpan MetricsRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How far ahead of this region's clock a peer's change may be stamped. A batch with a change stamped further
    /// ahead is refused whole and counted (haunt.sync.batches_clock_ahead): accepting it would let a peer with a fast
    /// clock win every last-writer-wins conflict from then on, and push this region's hybrid clock ahead with it.
    /// Refused, not clamped: clamping at each receiver would make the regions decide the same conflict differently.
    /// </summary>
    public TimeSpan MaxClockDrift { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How old a sealed sync message (anything but a change batch) may be when it arrives, by its sender's clock; older
    /// ones are refused, and within this window each seal is taken once (a replayed or duplicated message is refused).
    /// It must cover the links' delay and the regions' clock skew.
    /// </summary>
    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Updates whose state JSON is at least this many bytes go to a peer as a JSON Patch against the version the peer is
    /// expected to hold, when the patch is smaller than the state after compression; smaller states always go whole
    /// (their patch would save a few bytes for the CPU of a diff). 0 turns deltas off: every change goes whole.
    /// Inserts, deletes, repairs and catch-up always go whole.
    /// </summary>
    public int DeltaMinBytes { get; set; } = 1024;

    /// <summary>Most bytes of bases (the versions deltas are computed from) kept in memory per peer; least recently used go first.</summary>
    public long DeltaWindowBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// A peer that refused a batch carrying deltas as malformed (a region of a release before deltas, during a rolling
    /// upgrade) gets whole states only, for this long; then deltas are tried again.
    /// </summary>
    public TimeSpan DeltaRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest decompressed batch a region accepts.</summary>
    public int MaxBatchBytes { get; set; } = 64 * 1024 * 1024;
}
