namespace Haunt.Replication.Engine;

/// <summary>
/// The sender's view of one peer: a window of batches in flight (at most <see cref="SyncOptions.MaxBatchesInFlight"/>
/// batches and <see cref="SyncOptions.MaxChangesInFlight"/> changes), each resent with exponential backoff and
/// jitter until acked. The first resend waits for the measured round trip, not only the configured minimum. No
/// try limit: a change leaves the outbox only when the peer has acked it.
/// </summary>
internal sealed class PeerLink(string peer, SyncOptions options, Random random)
{
    private readonly List<InFlightBatch> _inFlight = [];
    private int _changesInFlight;
    private TimeSpan? _smoothedRtt;
    private TimeSpan _rttVariation;

    public string Peer { get; } = peer;
    public DateTimeOffset? LastAckAt { get; private set; }
    public DateTimeOffset? LastHeardAt { get; private set; }
    public DateTimeOffset BoundCheckedAt { get; private set; }
    public long ChangesSent { get; private set; }

    public bool CanSend => _inFlight.Count == 0
        || (_inFlight.Count < options.MaxBatchesInFlight && _changesInFlight < options.MaxChangesInFlight);

    public bool HasInFlight => _inFlight.Count > 0;

    /// <summary>Highest number of sends of any batch still in flight (1 = no resend yet).</summary>
    public int Attempts => _inFlight.Count == 0 ? 0 : _inFlight.Max(b => b.Attempts);

    public string State => Attempts > 1 ? "retrying" : _inFlight.Count == 0 ? "idle" : "sending";

    /// <summary>Outbox seqs of every batch in flight: the next batch must not repeat them.</summary>
    public IReadOnlyCollection<long> InFlightSeqs => _inFlight.SelectMany(b => b.Seqs).ToList();

    /// <summary>
    /// A message from the peer arrived. After a silence (a cut, a restart) the batches in flight are due at once
    /// instead of at the end of their backoff, which can reach <see cref="SyncOptions.MaxBackoff"/>.
    /// </summary>
    public void Heard(DateTimeOffset now)
    {
        if (LastHeardAt is { } last && now - last > options.HeartbeatInterval * 3)
        {
            foreach (var batch in _inFlight)
            {
                batch.ResendAt = now;
            }
        }

        LastHeardAt = now;
    }

    public void BoundChecked(DateTimeOffset now) => BoundCheckedAt = now;

    public void Sent(ChangeBatch batch, IReadOnlyList<long> seqs, DateTimeOffset now)
    {
        _inFlight.Add(new InFlightBatch(batch, seqs) { Attempts = 1, SentAt = now, ResendAt = now + RetransmitTimeout });
        _changesInFlight += seqs.Count;
    }

    /// <summary>The batches whose ack is overdue; each one's next deadline is pushed out.</summary>
    public IReadOnlyList<ChangeBatch> DueForResend(DateTimeOffset now)
    {
        var due = new List<ChangeBatch>();
        foreach (var batch in _inFlight.Where(b => now >= b.ResendAt))
        {
            batch.Attempts++;
            batch.ResendAt = now + Backoff(batch.Attempts);
            due.Add(batch.Batch);
        }

        return due;
    }

    /// <summary>The peer refused a batch (corrupt in transit): resend it soon, backing off if it keeps happening.</summary>
    public void Rejected(long batchId, DateTimeOffset now)
    {
        if (_inFlight.Find(b => b.Batch.BatchId == batchId) is { } batch)
        {
            batch.ResendAt = now + Backoff(batch.Attempts) / 8;
        }
    }

    /// <summary>The seqs the ack covers, or null for a duplicate or an unknown batch.</summary>
    public IReadOnlyList<long>? Acked(long batchId, DateTimeOffset now)
    {
        var index = _inFlight.FindIndex(b => b.Batch.BatchId == batchId);
        if (index < 0)
        {
            return null;
        }

        var batch = _inFlight[index];
        _inFlight.RemoveAt(index);
        _changesInFlight -= batch.Seqs.Count;
        if (batch.Attempts == 1)
        {
            // Karn: only a batch sent once says how long a round trip takes.
            Measured(now - batch.SentAt);
        }

        ChangesSent += batch.Batch.Count;
        LastAckAt = now;
        return batch.Seqs;
    }

    /// <summary>The backlog was released: nothing in flight needs an ack any more.</summary>
    public void Released()
    {
        _inFlight.Clear();
        _changesInFlight = 0;
    }

    /// <summary>Time to wait for an ack before resending: the configured minimum, or SRTT + 4 × RTTVAR if longer.</summary>
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

    private sealed class InFlightBatch(ChangeBatch batch, IReadOnlyList<long> seqs)
    {
        public ChangeBatch Batch { get; } = batch;
        public IReadOnlyList<long> Seqs { get; } = seqs;
        public int Attempts { get; set; }
        public DateTimeOffset SentAt { get; init; }
        public DateTimeOffset ResendAt { get; set; }
    }
}
