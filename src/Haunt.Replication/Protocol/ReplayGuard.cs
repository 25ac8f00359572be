namespace Haunt.Replication.Protocol;

/// <summary>
/// Freshness of sealed messages at the receiver: a message stamped more than <c>maxAge</c> ago or more than
/// <c>maxAhead</c> into the future is refused, and so is one whose seal was already seen within that window (a
/// replay, or a copy the network duplicated). Only the window is remembered, per sender. After a restart of the
/// receiver a message from before it could be taken again once, within the window.
/// </summary>
public sealed class ReplayGuard(TimeSpan maxAge, TimeSpan maxAhead)
{
    private readonly Dictionary<string, Window> _senders = new(StringComparer.Ordinal);

    /// <summary>Why the sealed <paramref name="message"/> is refused, or null to take it (and remember it).</summary>
    public string? Refuse(SyncMessage message, DateTimeOffset now)
    {
        var seal = message.Seal!;
        var nowMs = now.ToUnixTimeMilliseconds();
        if (seal.SentAtMs < nowMs - (long)maxAge.TotalMilliseconds)
        {
            return $"sealed {nowMs - seal.SentAtMs} ms ago, past the message age limit ({maxAge})";
        }

        if (seal.SentAtMs > nowMs + (long)maxAhead.TotalMilliseconds)
        {
            return $"sealed {seal.SentAtMs - nowMs} ms ahead of this region's clock";
        }

        if (!_senders.TryGetValue(message.From, out var window))
        {
            _senders[message.From] = window = new Window();
        }

        window.Forget(nowMs - (long)maxAge.TotalMilliseconds);
        return window.Remember(seal) ? null : "already received (a replay or a duplicate)";
    }

    /// <summary>The seals of one sender within the window, by the first 16 bytes of their MAC.</summary>
    private sealed class Window
    {
        private readonly HashSet<UInt128> _seen = [];
        private readonly Queue<(long SentAtMs, UInt128 Key)> _order = new();

        public bool Remember(MessageSeal seal)
        {
            var key = new UInt128(BitConverter.ToUInt64(seal.Mac, 0), BitConverter.ToUInt64(seal.Mac, 8));
            if (!_seen.Add(key))
            {
                return false;
            }

            _order.Enqueue((seal.SentAtMs, key));
            return true;
        }

        public void Forget(long before)
        {
            // Seals arrive roughly in send order; one that came late stays until those before it go, which only keeps it longer.
            while (_order.TryPeek(out var oldest) && oldest.SentAtMs < before)
            {
                _seen.Remove(_order.Dequeue().Key);
            }
        }
    }
}
