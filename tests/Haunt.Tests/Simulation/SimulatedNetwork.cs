using Haunt.Grains.Sync;

namespace Haunt.Tests.Simulation;

/// <summary>Simulated time: only the schedule moves it.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The network between the simulated regions: every message is queued with a delivery time; faults per pair
/// (cut, drop, duplicate, delay and so reorder, corrupt) are drawn from the schedule's seeded random.
/// </summary>
public sealed class SimulatedNetwork(ManualTime time, Random random, RegionSet regions)
{
    /// <summary>The regions on the network (a region started to join is on it before it is a member).</summary>
    public RegionSet Regions { get; set; } = regions;

    private readonly PriorityQueue<SyncMessage, (long At, long Order)> _queue = new();
    private readonly Dictionary<(string, string), LinkFault> _faults = [];
    private readonly List<Func<SyncMessage, bool>> _dropOnce = [];
    private readonly List<Func<SyncMessage, bool>> _dropAlways = [];
    private long _order;

    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }
    public long Corrupted { get; private set; }

    /// <summary>States sent in repair responses (each copy of a duplicated message counts).</summary>
    public long RepairStatesSent { get; private set; }

    public int InTransit => _queue.Count;

    /// <summary>Set to a list to record every message sent and its fate (for replaying a failing seed).</summary>
    public List<string>? Trace { get; set; }

    /// <summary>When set, every message sent (before any fault), for a test to look at or play again.</summary>
    public List<SyncMessage>? Captured { get; set; }

    public IReplicationLink LinkFor(string region) => new Link(this, region);

    /// <summary>
    /// A stand-in for a receiver: a message it answers (non-null) is not delivered, and the answer is sent in its place
    /// (a region of another release, scripted by a test).
    /// </summary>
    public Func<SyncMessage, SyncMessage?>? Answer { get; set; }

    public void Set(string from, string to, LinkFault fault) => _faults[(from, to)] = fault;

    public void HealAll() => _faults.Clear();

    /// <summary>Drops the next message that matches, once (a scripted loss at the worst moment).</summary>
    public void DropOnce(Func<SyncMessage, bool> match) => _dropOnce.Add(match);

    /// <summary>Drops every message that matches, from now on (a scripted loss that <see cref="HealAll"/> does not heal).</summary>
    public void DropAlways(Func<SyncMessage, bool> match) => _dropAlways.Add(match);

    /// <summary>Ends every scripted loss of <see cref="DropAlways"/>.</summary>
    public void StopDropping() => _dropAlways.Clear();

    /// <summary>Cuts a region off from every peer, both ways.</summary>
    public void Isolate(string region)
    {
        foreach (var peer in Regions.PeersOf(region))
        {
            Set(region, peer, LinkFault.Severed);
            Set(peer, region, LinkFault.Severed);
        }
    }

    /// <summary>The next message due by now, if any.</summary>
    public bool TryTakeDue(out SyncMessage message)
    {
        if (_queue.TryPeek(out message!, out var key) && key.At <= time.Now.ToUnixTimeMilliseconds())
        {
            _queue.Dequeue();
            return true;
        }

        return false;
    }

    /// <summary>When the next message is due (to jump the clock there), or null when none is in transit.</summary>
    public long? NextDueAt => _queue.TryPeek(out _, out var key) ? key.At : null;

    private void Send(SyncMessage message)
    {
        Sent++;
        Captured?.Add(message);

        if (_dropOnce.FindIndex(m => m(message)) is var scripted and >= 0)
        {
            _dropOnce.RemoveAt(scripted);
            Dropped++;
            Trace?.Add($"{time.Now:HH:mm:ss.fff} DROP (scripted) {Describe(message)}");
            return;
        }

        if (_dropAlways.Exists(m => m(message)))
        {
            Dropped++;
            Trace?.Add($"{time.Now:HH:mm:ss.fff} DROP (scripted, always) {Describe(message)}");
            return;
        }

        if (Answer?.Invoke(message) is { } answer)
        {
            Trace?.Add($"{time.Now:HH:mm:ss.fff} ANSWERED {Describe(message)} with {Describe(answer)}");
            message = answer;
        }

        var fault = _faults.GetValueOrDefault((message.From, message.To));
        if (fault is not null && (fault.Cut || random.NextDouble() < fault.DropRate))
        {
            Dropped++;
            Trace?.Add($"{time.Now:HH:mm:ss.fff} DROP {Describe(message)}");
            return;
        }

        if (fault is not null && fault.CorruptRate > 0 && random.NextDouble() < fault.CorruptRate)
        {
            message = Corrupt(message);
        }

        var copies = fault is not null && random.NextDouble() < fault.DuplicateRate ? 2 : 1;
        Duplicated += copies - 1;
        Trace?.Add($"{time.Now:HH:mm:ss.fff} send x{copies} {Describe(message)}");
        RepairStatesSent += message is RepairResponse { States: { } states } ? states.Count * copies : 0;
        for (var i = 0; i < copies; i++)
        {
            var delay = fault is null ? 1 : (long)(fault.MinDelay.TotalMilliseconds + random.NextDouble() * (fault.MaxDelay - fault.MinDelay).TotalMilliseconds) + 1;
            _queue.Enqueue(message, (time.Now.ToUnixTimeMilliseconds() + delay, _order++));
        }
    }

    private static string Describe(SyncMessage message) => message switch
    {
        ChangeBatch b => $"{b.From}->{b.To} ChangeBatch {b.BatchId} ({b.Count})",
        BatchAck a => $"{a.From}->{a.To} BatchAck {a.BatchId}",
        BatchReject r => $"{r.From}->{r.To} BatchReject {r.BatchId}",
        RepairResponse r => $"{r.From}->{r.To} RepairResponse round {r.RoundId} ({r.States?.Count})",
        Heartbeat => $"{message.From}->{message.To} Heartbeat",
        _ => $"{message.From}->{message.To} {message.GetType().Name}",
    };

    /// <summary>Flips one byte of a batch body, live or inside a repair; other messages carry no body.</summary>
    private SyncMessage Corrupt(SyncMessage message)
    {
        var batch = message switch
        {
            ChangeBatch b => b,
            RepairResponse { States: { } b } => b,
            _ => null,
        };
        if (batch is null || batch.Body.Length == 0)
        {
            return message;
        }

        var body = (byte[])batch.Body.Clone();
        body[random.Next(body.Length)] ^= (byte)random.Next(1, 256);
        Corrupted++;
        return message is RepairResponse repair ? repair with { States = batch with { Body = body } } : batch with { Body = body };
    }

    private sealed class Link(SimulatedNetwork network, string region) : IReplicationLink
    {
        public Task SendAsync(SyncMessage message)
        {
            if (message.From != region)
            {
                throw new InvalidOperationException($"{region} tried to send as {message.From}.");
            }

            network.Send(message);
            return Task.CompletedTask;
        }
    }
}
