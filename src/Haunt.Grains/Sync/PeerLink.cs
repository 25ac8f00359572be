namespace Haunt.Grains.Sync;

/// <summary>
/// The sender's view of one peer: up to <see cref="SyncOptions.MaxBatchesInFlight"/> batches in flight, each
/// resent with exponential backoff and jitter until acked. No try limit: a change leaves the outbox only when
/// the peer has acked it.
/// </summary>
internal sealed class PeerLink(string peer, SyncOptions options, Random random)
{
    private readonly List<InFlightBatch> _inFlight = [];

    public string Peer { get; } = peer;
    public DateTimeOffset? LastAckAt { get; private set; }
    public DateTimeOffset? LastHeardAt { get; private set; }
    public DateTimeOffset BoundCheckedAt { get; private set; }
    public long ChangesSent { get; private set; }

    public bool CanSend => _inFlight.Count < Math.Max(1, options.MaxBatchesInFlight);

    public bool HasInFlight => _inFlight.Count > 0;

    /// <summary>Highest number of sends of any batch still in flight (1 = no resend yet).</summary>
    public int Attempts => _inFlight.Count == 0 ? 0 : _inFlight.Max(b => b.Attempts);

    public string State => Attempts > 1 ? "retrying" : _inFlight.Count == 0 ? "idle" : "sending";

    /// <summary>Outbox seqs of every batch in flight: the next batch must not repeat them.</summary>
    public IReadOnlyCollection<long> InFlightSeqs => _inFlight.SelectMany(b => b.Seqs).ToList();

    public void Heard(DateTimeOffset now) => LastHeardAt = now;

    public void BoundChecked(DateTimeOffset now) => BoundCheckedAt = now;

    public void Sent(ChangeBatch batch, IReadOnlyList<long> seqs, DateTimeOffset now) =>
        _inFlight.Add(new InFlightBatch(batch, seqs) { Attempts = 1, ResendAt = now + options.AckTimeout });

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
        ChangesSent += batch.Batch.Count;
        LastAckAt = now;
        return batch.Seqs;
    }

    /// <summary>The backlog was released: nothing in flight needs an ack any more.</summary>
    public void Released() => _inFlight.Clear();

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.AckTimeout * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = exponential < options.MaxBackoff ? exponential : options.MaxBackoff;
        return capped * (0.5 + random.NextDouble() * 0.5);
    }

    private sealed class InFlightBatch(ChangeBatch batch, IReadOnlyList<long> seqs)
    {
        public ChangeBatch Batch { get; } = batch;
        public IReadOnlyList<long> Seqs { get; } = seqs;
        public int Attempts { get; set; }
        public DateTimeOffset ResendAt { get; set; }
    }
}
