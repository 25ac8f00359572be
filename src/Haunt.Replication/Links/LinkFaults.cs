namespace Haunt.Replication.Links;

/// <summary>Faults on the link from one region to another: what tests inject at the replication seam.</summary>
public sealed record LinkFault
{
    public bool Cut { get; init; }
    public double DropRate { get; init; }
    public double DuplicateRate { get; init; }
    public double CorruptRate { get; init; }
    public TimeSpan MinDelay { get; init; }
    public TimeSpan MaxDelay { get; init; }

    public static LinkFault Severed { get; } = new() { Cut = true };
}

/// <summary>
/// The fault table of this silo's outgoing links (sender side), controllable per pair of regions.
/// Empty in production; the seeded random makes a fault schedule reproducible.
/// </summary>
public sealed class LinkFaults
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string From, string To), LinkFault> _faults = [];
    private Random _random = new(1);

    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }
    public long Corrupted { get; private set; }

    public void Set(string from, string to, LinkFault fault)
    {
        lock (_gate)
        {
            _faults[(from, to)] = fault;
        }
    }

    public void Heal(string from, string to)
    {
        lock (_gate)
        {
            _faults.Remove((from, to));
        }
    }

    public void HealAll()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public void Seed(int seed)
    {
        lock (_gate)
        {
            _random = new Random(seed);
        }
    }

    public LinkFault? For(string from, string to)
    {
        lock (_gate)
        {
            return _faults.Count == 0 ? null : _faults.GetValueOrDefault((from, to));
        }
    }

    internal double Roll()
    {
        lock (_gate)
        {
            return _random.NextDouble();
        }
    }

    internal void Count(bool dropped = false, bool duplicated = false, bool corrupted = false)
    {
        lock (_gate)
        {
            Dropped += dropped ? 1 : 0;
            Duplicated += duplicated ? 1 : 0;
            Corrupted += corrupted ? 1 : 0;
        }
    }
}
