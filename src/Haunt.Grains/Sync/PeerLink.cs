namespace Haunt.Grains.Sync;

/// <summary>
/// The sender's view of one peer: at most one batch in flight, resent with exponential backoff and
/// jitter until acked. No try limit: a change leaves the outbox only when the peer has acked it.
/// </summary>
internal sealed class PeerLink(string peer, SyncOptions options, Random random)
{
    public string Peer { get; } = peer;
    public ChangeBatch? InFlight { get; private set; }
    public IReadOnlyList<long> InFlightSeqs { get; private set; } = [];
    public DateTimeOffset ResendAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? LastAckAt { get; private set; }
    public long ChangesSent { get; private set; }

    public DateTimeOffset? LastHeardAt { get; private set; }

    public string State => Attempts > 1 ? "retrying" : InFlight is null ? "idle" : "sending";

    public DateTimeOffset BoundCheckedAt { get; private set; }

    public void Heard(DateTimeOffset now) => LastHeardAt = now;

    public void BoundChecked(DateTimeOffset now) => BoundCheckedAt = now;

    /// <summary>The backlog was released: whatever was in flight no longer needs an ack.</summary>
    public void Released()
    {
        InFlight = null;
        InFlightSeqs = [];
        Attempts = 0;
    }

    public void Sent(ChangeBatch batch, IReadOnlyList<long> seqs, DateTimeOffset now)
    {
        InFlight = batch;
        InFlightSeqs = seqs;
        Attempts = 1;
        ResendAt = now + options.AckTimeout;
    }

    /// <summary>The batch to resend now, if its ack is overdue; pushes the next deadline out.</summary>
    public ChangeBatch? DueForResend(DateTimeOffset now)
    {
        if (InFlight is null || now < ResendAt)
        {
            return null;
        }

        Attempts++;
        ResendAt = now + Backoff(Attempts);
        return InFlight;
    }

    /// <summary>The peer refused the batch (corrupt in transit): resend soon, backing off if it keeps happening.</summary>
    public void Rejected(long batchId, DateTimeOffset now)
    {
        if (InFlight?.BatchId == batchId)
        {
            ResendAt = now + Backoff(Attempts) / 8;
        }
    }

    public bool Acked(long batchId, DateTimeOffset now)
    {
        if (InFlight?.BatchId != batchId)
        {
            return false;
        }

        ChangesSent += InFlight.Count;
        InFlight = null;
        InFlightSeqs = [];
        Attempts = 0;
        LastAckAt = now;
        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.AckTimeout * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = exponential < options.MaxBackoff ? exponential : options.MaxBackoff;
        return capped * (0.5 + random.NextDouble() * 0.5);
    }
}
