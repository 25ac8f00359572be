namespace Haunt.Replication.Engine;

/// <summary>
/// The sender's view of one peer: a window of batches in flight (at most <see cref="SyncOptions.MaxBatchesInFlight"/>
/// batches and <see cref="SyncOptions.MaxChangesInFlight"/> changes), each resent with exponential backoff and
/// jitter until acked. No try limit: a change leaves the outbox only when the peer has acked it.
/// <para>
/// An overdue ack alone does not say whether a batch was lost or is still queued at a slow peer. Every copy carries
/// its send time and the ack echoes it; messages to a peer arrive in order, so an ack for a copy sent later shows that
/// every batch still unacked whose last copy left before it was lost: those are resent when their timeout ends. Of
/// the overdue batches without that evidence only the oldest is resent, as a probe, and the rest wait for its answer.
/// Resending all of them, as this did before, flooded a slow peer with copies of what it had yet to read; it then
/// read only copies, and under load the regions stopped converging for minutes (congestion collapse).
/// </para>
/// </summary>
internal sealed class PeerLink(string peer, SyncOptions options, Random random)
{
    private readonly List<InFlightBatch> _inFlight = [];
    private readonly HashSet<long> _inFlightSeqs = [];
    private TimeSpan? _smoothedRtt;
    private TimeSpan _rttVariation;
    private DateTimeOffset _probeUntil;

    public string Peer { get; } = peer;
    public DateTimeOffset? LastAckAt { get; private set; }
    public DateTimeOffset? LastHeardAt { get; private set; }
    public DateTimeOffset BoundCheckedAt { get; private set; }
    public long ChangesSent { get; private set; }

    /// <summary>Where the next batch's rows start in the outbox: after what went into batches, in each priority.</summary>
    public OutboxCursor Taken { get; } = new();

    /// <summary>The versions of large entities this peer is expected to hold: what deltas to it are computed from.</summary>
    public DeltaWindow Bases { get; } = new(options.DeltaWindowBytes);

    /// <summary>Until when no deltas go to this peer: it refused a batch that carried some (a region of an older release).</summary>
    public DateTimeOffset DeltasPausedUntil { get; set; }

    public bool CanSend => _inFlight.Count == 0
        || (_inFlight.Count < options.MaxBatchesInFlight && _inFlightSeqs.Count < options.MaxChangesInFlight);

    public bool HasInFlight => _inFlight.Count > 0;

    /// <summary>Whether a batch that was not full (in changes or in bytes) when it left waits for its ack.</summary>
    public bool HasShortBatchInFlight => _inFlight.Exists(b => !b.Full);

    /// <summary>Highest number of sends of any batch still in flight (1 = no resend yet).</summary>
    public int Attempts => _inFlight.Count == 0 ? 0 : _inFlight.Max(b => b.Attempts);

    public string State => Attempts > 1 ? "retrying" : _inFlight.Count == 0 ? "idle" : "sending";

    /// <summary>
    /// The rows of <paramref name="read"/> (the outbox after <see cref="Taken"/>, in order) not in flight. Only after a
    /// <see cref="OutboxCursor.Rewind"/> can a read meet rows in flight: the cursor moves past those that lead their
    /// priority, so the next read starts after them; <paramref name="moved"/> says whether it did.
    /// </summary>
    public IReadOnlyList<OutboxRow> Unsent(IReadOnlyList<OutboxRow> read, out bool moved)
    {
        moved = false;
        var unsent = new List<OutboxRow>(read.Count);
        HashSet<int>? passed = null; // priorities where this read met a row not in flight
        foreach (var row in read)
        {
            if (!_inFlightSeqs.Contains(row.Seq))
            {
                unsent.Add(row);
                (passed ??= []).Add(row.Priority);
            }
            else if (passed?.Contains(row.Priority) != true)
            {
                Taken.Took(row.Priority, row.Seq);
                moved = true;
            }
        }

        return unsent;
    }

    /// <summary>
    /// A message from the peer arrived. After a silence (a cut, a restart) the batches in flight are due at once
    /// instead of at the end of their backoff, which can reach <see cref="SyncOptions.MaxBackoff"/>: the probe goes
    /// now, and its ack brings the others.
    /// </summary>
    public void Heard(DateTimeOffset now)
    {
        if (LastHeardAt is { } last && now - last > options.HeartbeatInterval * 3)
        {
            foreach (var batch in _inFlight)
            {
                batch.ResendAt = now;
            }

            _probeUntil = now;
        }

        LastHeardAt = now;
    }

    public void BoundChecked(DateTimeOffset now) => BoundCheckedAt = now;

    /// <summary>When the backlog bound last counted the rows and bytes waiting for this peer (not only bounded them).</summary>
    public DateTimeOffset BacklogCountedAt { get; private set; }

    public void BacklogCounted(DateTimeOffset now) => BacklogCountedAt = now;

    /// <summary>
    /// Takes a new batch into the window; returns the copy to send (stamped with its send time). <paramref name="full"/>:
    /// it left at the most changes or bytes a batch may carry. <paramref name="deltas"/>: the entity of each change in
    /// it sent as a delta, by seq.
    /// </summary>
    public ChangeBatch Sent(ChangeBatch batch, IReadOnlyList<OutboxRow> rows, DateTimeOffset now, bool full, IReadOnlyDictionary<long, EntityRef>? deltas = null)
    {
        var copy = batch with { SentAt = now.UtcTicks };
        var seqs = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            seqs[i] = rows[i].Seq;
            _inFlightSeqs.Add(rows[i].Seq);
            Taken.Took(rows[i].Priority, rows[i].Seq);
        }

        _inFlight.Add(new InFlightBatch(copy, seqs, deltas ?? s_noDeltas)
        {
            Attempts = 1, Full = full, FirstSentAt = now, LastSentAt = now.UtcTicks, ResendAt = now + RetransmitTimeout,
        });
        return copy;
    }

    /// <summary>
    /// The batches to send again now, each stamped with this send's time: the overdue ones known lost, and of the
    /// other overdue ones the oldest as a probe unless a probe is still out (the rest wait for it).
    /// </summary>
    public IReadOnlyList<ChangeBatch> DueForResend(DateTimeOffset now)
    {
        var overdue = _inFlight.Where(b => now >= b.ResendAt).ToList();
        var copies = overdue.Where(b => b.KnownLost).Select(b => Resend(b, now)).ToList();
        var waiting = overdue.Where(b => !b.KnownLost).OrderBy(b => b.LastSentAt).ToList();
        if (waiting.Count > 0 && now >= _probeUntil)
        {
            copies.Add(Resend(waiting[0], now));
            _probeUntil = waiting[0].ResendAt;
            waiting.RemoveAt(0);
        }

        foreach (var batch in waiting)
        {
            batch.ResendAt = _probeUntil;
        }

        return copies;
    }

    /// <summary>
    /// Takes a batch out of the window unacked: its changes are pending again and go in a new batch. Returns the
    /// entities it carried as deltas, or null if it was not in flight.
    /// </summary>
    public IReadOnlyDictionary<long, EntityRef>? Withdraw(long batchId)
    {
        var batch = Take(batchId);
        if (batch is not null)
        {
            Taken.Rewind();
        }

        return batch?.Deltas;
    }

    /// <summary>Whether the batch in flight with this id carries deltas.</summary>
    public bool CarriesDeltas(long batchId) => _inFlight.Find(b => b.Batch.BatchId == batchId) is { Deltas.Count: > 0 };

    /// <summary>The peer refused a batch (corrupt in transit): resend it soon, backing off if it keeps happening.</summary>
    public void Rejected(long batchId, DateTimeOffset now)
    {
        if (_inFlight.Find(b => b.Batch.BatchId == batchId) is { } batch)
        {
            batch.ResendAt = now + Backoff(batch.Attempts) / 8;
            batch.KnownLost = true;
        }
    }

    /// <summary>
    /// The batch the ack covers, or null for a duplicate or an unknown batch. <paramref name="echoSentAt"/> (the
    /// acked copy's send time, 0 from a peer that does not echo) measures the round trip and marks every batch
    /// whose last copy left before that one as lost.
    /// </summary>
    public AckedBatch? Acked(long batchId, long echoSentAt, DateTimeOffset now)
    {
        if (Take(batchId) is not { } batch)
        {
            return null;
        }

        if (echoSentAt >= batch.FirstSentAt.UtcTicks && echoSentAt <= now.UtcTicks)
        {
            Measured(now - new DateTimeOffset(echoSentAt, TimeSpan.Zero));
            Lost(before: echoSentAt);
        }
        else if (batch.Attempts == 1)
        {
            // Karn: without an echo, only a batch sent once says how long a round trip takes.
            Measured(now - batch.FirstSentAt);
        }

        ChangesSent += batch.Batch.Count;
        LastAckAt = now;
        return new AckedBatch(batch.Seqs, batch.Deltas);
    }

    /// <summary>The backlog was released: nothing in flight needs an ack any more.</summary>
    public void Released()
    {
        _inFlight.Clear();
        _inFlightSeqs.Clear();
        Taken.Rewind();
    }

    /// <summary>The batch with this id, taken out of the window (null if it is not in flight).</summary>
    private InFlightBatch? Take(long batchId)
    {
        var index = _inFlight.FindIndex(b => b.Batch.BatchId == batchId);
        if (index < 0)
        {
            return null;
        }

        var batch = _inFlight[index];
        _inFlight.RemoveAt(index);
        foreach (var seq in batch.Seqs)
        {
            _inFlightSeqs.Remove(seq);
        }

        return batch;
    }

    /// <summary>Batches whose last copy left before <paramref name="before"/> were lost: due when their first timeout ends.</summary>
    private void Lost(long before)
    {
        foreach (var batch in _inFlight.Where(b => b.LastSentAt < before && !b.KnownLost))
        {
            batch.KnownLost = true;
            var timeout = new DateTimeOffset(batch.LastSentAt, TimeSpan.Zero) + RetransmitTimeout;
            batch.ResendAt = timeout < batch.ResendAt ? timeout : batch.ResendAt;
        }
    }

    private ChangeBatch Resend(InFlightBatch batch, DateTimeOffset now)
    {
        batch.Attempts++;
        batch.KnownLost = false;
        batch.LastSentAt = now.UtcTicks;
        batch.ResendAt = now + Backoff(batch.Attempts);
        batch.Batch = batch.Batch with { SentAt = now.UtcTicks };
        return batch.Batch;
    }

    /// <summary>Time to wait for an ack before resending: the configured minimum, or SRTT + 4 × RTTVAR if longer, at most <see cref="SyncOptions.MaxBackoff"/>.</summary>
    private TimeSpan RetransmitTimeout
    {
        get
        {
            var measured = _smoothedRtt is { } srtt ? srtt + 4 * _rttVariation : TimeSpan.Zero;
            var timeout = measured > options.AckTimeout ? measured : options.AckTimeout;
            return timeout < options.MaxBackoff ? timeout : options.MaxBackoff;
        }
    }

    /// <summary>RFC 6298's estimator: SRTT and RTTVAR with gains 1/8 and 1/4.</summary>
    private void Measured(TimeSpan rtt)
    {
        if (_smoothedRtt is not { } srtt)
        {
            (_smoothedRtt, _rttVariation) = (rtt, rtt / 2);
            return;
        }

        _rttVariation = 0.75 * _rttVariation + 0.25 * (srtt - rtt).Duration();
        _smoothedRtt = 0.875 * srtt + 0.125 * rtt;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = RetransmitTimeout * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = exponential < options.MaxBackoff ? exponential : options.MaxBackoff;
        return capped * (0.5 + random.NextDouble() * 0.5);
    }

    private static readonly IReadOnlyDictionary<long, EntityRef> s_noDeltas = new Dictionary<long, EntityRef>();

    private sealed class InFlightBatch(ChangeBatch batch, IReadOnlyList<long> seqs, IReadOnlyDictionary<long, EntityRef> deltas)
    {
        public ChangeBatch Batch { get; set; } = batch;
        public IReadOnlyList<long> Seqs { get; } = seqs;
        public IReadOnlyDictionary<long, EntityRef> Deltas { get; } = deltas;
        public int Attempts { get; set; }
        public bool Full { get; init; }
        public DateTimeOffset FirstSentAt { get; init; }

        /// <summary>UTC ticks of the last copy's send.</summary>
        public long LastSentAt { get; set; }

        public DateTimeOffset ResendAt { get; set; }

        /// <summary>Its last copy is known gone (a later copy's ack came first, or the peer refused it): no probe needed.</summary>
        public bool KnownLost { get; set; }
    }
}
