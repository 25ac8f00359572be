using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

/// <summary>
/// The sync protocol of one region, free of Orleans: sending (Send), receiving (Receive), anti-entropy
/// (Reconcile) and metrics (Metrics). Not thread-safe by design: its host calls it one message or tick at a
/// time (the SyncQueueGrain's turn-based scheduler in the product, a single-threaded loop in the simulation).
/// </summary>
public sealed partial class SyncEngine
{
    private readonly Dictionary<string, PeerLink> _peers = [];
    private readonly IRegionalStore _store;
    private readonly IReplicationLink _link;
    private readonly BatchCodec _codec;
    private readonly SyncMetrics _metrics;
    private readonly HybridLogicalClock _clock;
    private readonly Reconciler _reconciler;
    private readonly ILogger _log;
    private readonly Func<IReadOnlyList<EntityState>, Task> _onStored;
    private readonly ReplayGuard _replays;
    private readonly Random _random;
    private ConflictResolver _resolver;

    /// <param name="onStored">Called with the states a batch stored (the product refreshes active grains).</param>
    public SyncEngine(SiloRegion region, IRegionalStore store, IReplicationLink link, BatchCodec codec, SyncMetrics metrics,
        HybridLogicalClock clock, SyncOptions options, ILogger log, Random random,
        Func<IReadOnlyList<EntityState>, Task>? onStored = null)
    {
        Silo = region;
        Options = options;
        _resolver = new ConflictResolver(region.Regions);
        _random = random;
        _store = store;
        _link = link;
        _codec = codec;
        _metrics = metrics;
        _clock = clock;
        _log = log;
        _reconciler = new Reconciler(store);
        _replays = new ReplayGuard(options.MaxMessageAge, options.MaxClockDrift);
        _onStored = onStored ?? (_ => Task.CompletedTask);
        foreach (var peer in region.Peers)
        {
            _peers[peer] = new PeerLink(peer, options, random);
        }

        // Batch ids only need to differ from those of an earlier incarnation still in flight.
        _nextBatchId = Now.ToUnixTimeMilliseconds() << 16;
        // Round ids too, so a reply to a round of an earlier incarnation is not taken for one of ours.
        _roundId = _nextBatchId;
        _firstRound = _roundId + 1;
    }

    /// <summary>This region and the deployment's regions.</summary>
    public SiloRegion Silo { get; }

    public string Region => Silo.Name;

    /// <summary>The other regions, in rank order: the loop keeps a link to each.</summary>
    public IEnumerable<string> Peers => Silo.Peers;

    public SyncOptions Options { get; }

    private DateTimeOffset Now => _clock.Time.GetUtcNow();

    /// <summary>
    /// Handles one message from a peer. Misrouted messages, every message from a region that is not a member of the
    /// membership held here, and every message once this region left, are counted and dropped.
    /// </summary>
    public Task OnMessageAsync(SyncMessage message)
    {
        if (Silo.Removed && message is Heartbeat late && late.To == Region && Silo.Regions.Contains(late.From) && !RefusedUnread(late))
        {
            // A region that missed this one's removal still sends it heartbeats: the answer is the removal.
            return TellNewerMembershipAsync(late);
        }

        if (message.To != Region || !Silo.Regions.Contains(message.From) || message.From == Region || Silo.Removed)
        {
            Interlocked.Increment(ref _metrics.BatchesRejected);
            _metrics.Rejected(message.From, RejectReasons.Misrouted);
            LogMisrouted(_log, message.GetType().Name, message.From, message.To, Region);
            return Task.CompletedTask;
        }

        if (message is not ChangeBatch && RefusedUnread(message))
        {
            Interlocked.Increment(ref _metrics.MessagesRefused);
            return Task.CompletedTask;
        }

        return message switch
        {
            ChangeBatch batch => ReceiveBatchAsync(batch),
            BatchAck ack => OnAckAsync(ack),
            BatchReject reject => OnRejectAsync(reject),
            Heartbeat heartbeat => OnHeartbeatAsync(heartbeat),
            DigestRequest request => OnDigestRequestAsync(request),
            DigestResponse response => OnDigestResponseAsync(response),
            RepairRequest request => OnRepairRequestAsync(request),
            RepairResponse response => OnRepairResponseAsync(response),
            SnapshotRequest request => OnSnapshotRequestAsync(request),
            ConflictNotice notice => OnConflictNoticeAsync(notice),
            MembershipProposal proposal => OnProposalAsync(proposal),
            MembershipVote vote => OnVoteAsync(vote),
            MembershipCommit commit => OnCommitAsync(commit),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>When a verified message from <paramref name="peer"/> last arrived (null: none since this loop started).</summary>
    public DateTimeOffset? LastHeardFrom(string peer) => _peers.TryGetValue(peer, out var link) ? link.LastHeardAt : null;

    /// <summary>
    /// Whether a control message is refused before it is read (and why, logged): a change batch carries its own
    /// signature; every other message must carry a valid seal, be fresh and be new.
    /// </summary>
    private bool RefusedUnread(SyncMessage message)
    {
        if (!_codec.IsSealed(message))
        {
            LogUnsealed(_log, message.GetType().Name, message.From);
            _metrics.Rejected(message.From, RejectReasons.Unsealed);
            return true;
        }

        if (_replays.Refuse(message, Now) is { } stale)
        {
            LogStale(_log, message.GetType().Name, message.From, stale);
            _metrics.Rejected(message.From, RejectReasons.Stale);
            return true;
        }

        return false;
    }

    /// <summary>Sends a control message sealed with this region's key (a change batch carries its own signature).</summary>
    private Task SendSealedAsync(SyncMessage message) => _link.SendAsync(_codec.Seal(message, Now));

    /// <summary>What only this loop knows (each link's state, last ack, window; the apply counters and lag), store figures left at 0.</summary>
    public SyncStatus LinkStatus() => new(Region,
        [.. _peers.Values.Select(p => new PeerStatus(p.Peer, p.State, 0, 0, 0, p.LastAckAt, p.ChangesSent, p.Attempts, 0, false))],
        _metrics.ChangesApplied, _metrics.BatchesRejected, _metrics.LagPercentile(50), _metrics.LagPercentile(99), Deltas: _metrics.Deltas);

    /// <summary>The whole status: <see cref="LinkStatus"/> with the store's figures read now.</summary>
    public Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default) => StoredStatus.ReadIntoAsync(LinkStatus(), _store, Now, Options.FeedStuckAfter, cancellationToken);
}
