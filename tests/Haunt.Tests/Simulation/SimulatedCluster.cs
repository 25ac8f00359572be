using Haunt.Grains.Replication;
using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Simulation;

/// <summary>
/// Three regions running the product's <see cref="SyncEngine"/>, <see cref="ConflictResolver"/>, codec and
/// write path (<see cref="LocalStates"/>) over in-memory stores, a simulated network and a simulated clock,
/// driven one step at a time by a seeded random schedule of writes, deletes, deliveries, ticks, restarts and
/// faults. Single-threaded: every task the engines await completes synchronously, so a seed replays exactly.
/// Split in three: the schedule (here), the workload (writes) and the end-state checks.
/// </summary>
public sealed partial class SimulatedCluster : IDisposable
{
    private static readonly BatchCodec s_codec = BatchCodec.For(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey });

    private readonly Random _random;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private readonly SimulatedNetwork _network;
    private readonly SyncOptions _options;
    private readonly Dictionary<string, Node> _nodes = [];
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Dictionary<string, long> _maxBacklog = [];
    private int _faults;
    private int _restarts;
    private int _periodicRounds;

    public SimulatedCluster(int seed, SyncOptions? options = null, RegionSet? regions = null)
    {
        Seed = seed;
        Regions = regions ?? RegionSet.Default;
        Writers = Regions.All;
        _random = new Random(seed);
        _options = options ?? DefaultOptions();
        _network = new SimulatedNetwork(_time, _random, Regions);
        foreach (var region in Regions.All)
        {
            // Each region's clock is off by up to ±50 ms: the hybrid clock, not the wall clock, orders writes.
            var clock = new HybridLogicalClock(new SkewedTime(_time, TimeSpan.FromMilliseconds(_random.Next(-50, 51))));
            AddNode(region, Regions, clock, joining: false);
        }
    }

    /// <summary>
    /// Starts <paramref name="region"/> empty, to be added to the running deployment (as a silo with Haunt:Join): it
    /// waits to be admitted (<see cref="ProposeAdd"/>), then catches up. It takes no writes of the workload.
    /// </summary>
    public void StartJoining(string region)
    {
        var configured = new RegionSet([.. Regions.All, region], Regions.Primary);
        _network.Regions = configured;
        AddNode(region, configured, new HybridLogicalClock(new SkewedTime(_time, TimeSpan.Zero)), joining: true);
    }

    /// <summary>An operator's request, made to <paramref name="at"/>, to add <paramref name="region"/>.</summary>
    public MembershipAnswer ProposeAdd(string at, string region) => Wait(_nodes[at].Engine.ProposeAddAsync(region));

    /// <summary>An operator's request, made to <paramref name="at"/>, that <paramref name="region"/> leave.</summary>
    public MembershipAnswer ProposeLeave(string at, string region, string? successor = null) => Wait(_nodes[at].Engine.ProposeLeaveAsync(region, successor));

    /// <summary>
    /// Stops a region that left the deployment (its silos shut down): it is no longer checked or ticked, and what is
    /// still sent to it is lost. Its acknowledged writes are still checked in every other region.
    /// </summary>
    public void Retire(string region) => _nodes.Remove(region);

    /// <summary>A region's store, for checks of what it holds.</summary>
    public InMemoryRegionalStore StoreOf(string region) => _nodes[region].Store;

    /// <summary>A region's membership as its sync loop holds it.</summary>
    public MembershipStatus MembershipOf(string region) => _nodes[region].Engine.MembershipStatus();

    /// <summary>Every region running, the joining ones included.</summary>
    public IReadOnlyCollection<string> Running => _nodes.Keys;

    private void AddNode(string region, RegionSet configured, HybridLogicalClock clock, bool joining)
    {
        var silo = new SiloRegion(region, configured);
        var store = new InMemoryRegionalStore(region, () => _time.Now.ToUnixTimeMilliseconds(), configured);
        var node = new Node(store, new LocalStates(silo, clock), new SyncMetrics(silo, _meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), clock)
        {
            Configured = configured,
            Joining = joining,
        };
        _nodes[region] = node;
        Restart(node);
    }

    public int Seed { get; }

    /// <summary>The simulated deployment's regions (default osaka, seoul, nyc).</summary>
    public RegionSet Regions { get; }

    /// <summary>
    /// 2–5 regions, drawn from the seed: the schedules cover deployments of every size up to five, not only the default
    /// three (the names past the default three are ones the first release never knew).
    /// </summary>
    public static RegionSet RegionsFor(int seed)
    {
        string[] names = ["osaka", "seoul", "nyc", "frankfurt", "sao-paulo"];
        return new RegionSet(names.Take(2 + (int)((uint)seed % 4)));
    }

    /// <summary>The simulated time now (what the regions' clocks read, give or take their skew).</summary>
    public DateTimeOffset Now => _time.Now;

    /// <summary>Hands a message to its destination's sync loop now, past the network (a forger or a replayer on the wire).</summary>
    public void Deliver(SyncMessage message) => Wait(_nodes[message.To].Engine.OnMessageAsync(message));

    /// <summary>Outbox rows of <paramref name="region"/> that <paramref name="peer"/> has not acked.</summary>
    public long BacklogOf(string region, string peer) => Wait(_nodes[region].Store.BacklogAsync(peer)).Rows;

    /// <summary>When <paramref name="region"/>'s sync loop last took a verified message from <paramref name="peer"/>.</summary>
    public DateTimeOffset? LastHeard(string region, string peer) => _nodes[region].Engine.LastHeardFrom(peer);

    /// <summary>Small timeouts in simulated time, small batches and a small backlog bound, so every path runs.</summary>
    public static SyncOptions DefaultOptions() => new()
    {
        ClusterKey = HauntSiloConfigurator.ClusterKey,
        AckTimeout = TimeSpan.FromMilliseconds(300),
        MaxBackoff = TimeSpan.FromSeconds(1),
        BatchSize = 8,
        MaxBacklogRows = 16,
        MaxBatchesInFlight = 2,
        ReconcileBuckets = 16,
    };

    /// <summary>Each region's view of each peer (needs-snapshot, backlog), for diagnosing a failing seed.</summary>
    public IEnumerable<string> PeerStates() =>
        from node in _nodes.Values
        from peer in node.Engine.Peers
        select $"{node.Store.Region}->{peer}: {Wait(node.Store.PeerStateAsync(peer))}, backlog {Wait(node.Store.BacklogAsync(peer)).Rows}";

    /// <summary>How many entities <paramref name="a"/> holds in another version than <paramref name="b"/>, or lacks, or b lacks.</summary>
    public int DifferingStates(string a, string b) => EntityTypes.All.Sum(info =>
    {
        var mine = Wait(_nodes[a].Store.VersionsAsync(info.Type)).ToDictionary(s => s.Id);
        var theirs = Wait(_nodes[b].Store.VersionsAsync(info.Type)).ToDictionary(s => s.Id);
        return mine.Keys.Union(theirs.Keys).Count(id => !mine.TryGetValue(id, out var x) || !theirs.TryGetValue(id, out var y) || x != y);
    });

    /// <summary>The sync counters of one region's engine.</summary>
    public SyncMetrics MetricsOf(string region) => _nodes[region].Metrics;

    /// <summary>How many entities (tombstones included) <paramref name="region"/> holds.</summary>
    public int Entities(string region) => EntityTypes.All.Sum(info => Wait(_nodes[region].Store.VersionsAsync(info.Type)).Count);

    /// <summary>The network, for scripted faults.</summary>
    public SimulatedNetwork Network => _network;

    /// <summary>Highest backlog any region held for <paramref name="peer"/> at any step so far.</summary>
    public long MaxBacklogFor(string peer) => _maxBacklog.GetValueOrDefault(peer);

    public ScheduleResult Run(int steps)
    {
        Steps(steps, faults: true);
        return Finish(periodicRounds: true);
    }

    /// <summary>Random steps; without faults only writes, deliveries and ticks (the network stays as scripted).</summary>
    public void Steps(int steps, bool faults)
    {
        for (var step = 0; step < steps; step++)
        {
            Step(faults);
            SampleBacklogs();
        }
    }

    /// <summary>Random steps without faults until <paramref name="done"/> holds, at most <paramref name="steps"/>.</summary>
    public bool RunUntil(Func<bool> done, int steps)
    {
        for (var step = 0; step < steps; step += 10)
        {
            if (done())
            {
                return true;
            }

            Steps(10, faults: false);
        }

        return done();
    }

    /// <summary>
    /// Heals every link, lets the regions settle, and checks the end state. Without periodic rounds, only the
    /// protocol's own catch-up (resends, heartbeat → snapshot request → reconciliation) may repair.
    /// </summary>
    public ScheduleResult Finish(bool periodicRounds)
    {
        _network.HealAll();
        var quiesced = Quiesce(periodicRounds);
        var violations = Check(quiesced, out var lost);
        var metrics = _nodes.Values.Select(n => n.Metrics).ToList();
        return new ScheduleResult(Seed, _acked.Values.Sum(w => w.Count), _deletes, _mismatches, lost,
            _nodes.Values.Sum(n => n.Store.VersionsChecked), _network.Sent, _network.Dropped, _network.Duplicated, _network.Corrupted,
            _faults, _restarts, metrics.Sum(m => m.BatchesRejected), metrics.Sum(m => m.BacklogsReleased), metrics.Sum(m => m.ChangesRepaired),
            _nodes.Values.Sum(n => Wait(n.Store.ConflictCountAsync())), FinalDigest(), violations,
            _periodicRounds, metrics.Sum(m => m.ReconcileRounds), metrics.Sum(m => m.DeltasSent), metrics.Sum(m => m.DeltasRefused));
    }

    private void Step(bool faults)
    {
        var roll = _random.Next(100);
        if (roll < 40)
        {
            Write();
        }
        else if (roll < 70)
        {
            DeliverDue();
        }
        else if (roll < 85)
        {
            Advance(_random.Next(1, 200));
            Each(e => e.FlushAllAsync());
        }
        else if (roll < 90)
        {
            Each(e => e.HeartbeatAsync());
        }
        else if (!faults)
        {
            DeliverDue();
        }
        else if (roll < 95)
        {
            ChangeFault();
        }
        else if (roll < 96)
        {
            // A crash of the sync loop: in-flight batches and backoff state are lost, the store is durable.
            Advance(_random.Next(1000, 3000));
            Restart(_nodes[Regions.All[_random.Next(Regions.Count)]]);
            _restarts++;
        }
        else if (roll < 97)
        {
            Each(e => e.RecordMetricsAsync());
        }
        else
        {
            Wait(_nodes[Regions.All[_random.Next(Regions.Count)]].Engine.StartRoundAsync());
        }
    }

    /// <summary>Runs the loops until every region holds the same data and nothing is queued or in transit.</summary>
    private bool Quiesce(bool periodicRounds)
    {
        for (var round = 0; round < 4000; round++)
        {
            Advance(50);
            Each(e => e.FlushAllAsync());
            if (round % 20 == 0)
            {
                Each(e => e.HeartbeatAsync());
            }

            if (periodicRounds && round % 100 == 99)
            {
                Wait(_nodes[Regions.All[round / 100 % Regions.Count]].Engine.StartRoundAsync());
                _periodicRounds++;
            }

            DeliverDue();
            if (_network.InTransit == 0 && Converged())
            {
                return true;
            }
        }

        return false;
    }

    private bool Converged() =>
        _nodes.Values.Select(n => Wait(n.Store.DigestAsync()).Overall).Distinct().Count() == 1
        && _nodes.Values.All(n => n.Engine.Peers.All(p => Wait(n.Store.BacklogAsync(p)).Rows == 0));

    private string FinalDigest() => string.Join(",", _nodes.Keys.Select(r => Wait(_nodes[r].Store.DigestAsync()).Overall[..16]));

    private void SampleBacklogs()
    {
        foreach (var node in _nodes.Values)
        {
            foreach (var peer in node.Engine.Peers)
            {
                _maxBacklog[peer] = Math.Max(_maxBacklog.GetValueOrDefault(peer), Wait(node.Store.BacklogAsync(peer)).Rows);
            }
        }
    }

    private void ChangeFault()
    {
        var from = Regions.All[_random.Next(Regions.Count)];
        var to = Regions.PeersOf(from).ElementAt(_random.Next(Regions.Count - 1));
        _faults++;
        _network.Set(from, to, _random.Next(7) switch
        {
            0 => LinkFault.Severed,
            1 => new LinkFault { DropRate = 0.3 },
            2 => new LinkFault { DuplicateRate = 0.5 },
            3 => new LinkFault { MinDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(400) },
            4 => new LinkFault { CorruptRate = 0.3 },
            5 => new LinkFault { DropRate = 0.05, DuplicateRate = 0.25, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(250) },
            _ => new LinkFault(),
        });
    }

    private void Restart(Node node)
    {
        var region = node.Store.Region;
        // A new process: the configured set until the engine reads the stored membership.
        node.Engine = new SyncEngine(new SiloRegion(region, node.Configured, node.Joining), node.Store, _network.LinkFor(region), s_codec, node.Metrics, node.Clock, _options,
            NullLogger.Instance, new Random(_random.Next()), states => Refresh(node, states));
        Wait(node.Engine.OpenMembershipAsync());
    }

    private void DeliverDue()
    {
        if (_network.NextDueAt is { } due && due > _time.Now.ToUnixTimeMilliseconds())
        {
            _time.Now = DateTimeOffset.FromUnixTimeMilliseconds(due);
        }

        while (_network.TryTakeDue(out var message))
        {
            if (_nodes.TryGetValue(message.To, out var node))
            {
                Wait(node.Engine.OnMessageAsync(message));
            }
        }
    }

    private void Advance(int milliseconds) => _time.Now = _time.Now.AddMilliseconds(milliseconds);

    private void Each(Func<SyncEngine, Task> tick)
    {
        foreach (var node in _nodes.Values.ToList())
        {
            Wait(tick(node.Engine));
        }
    }

    /// <summary>Everything here completes synchronously (in-memory store, queued network); a pending task is a bug.</summary>
    private static T Wait<T>(Task<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("The simulation awaited real time.");

    private static void Wait(Task task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("The simulation awaited real time.");
        }

        task.GetAwaiter().GetResult();
    }

    public void Dispose() => _meters.Dispose();

    /// <summary>One region: its durable store, its write path, and its (restartable) sync loop.</summary>
    private sealed class Node(InMemoryRegionalStore store, LocalStates states, SyncMetrics metrics, HybridLogicalClock clock)
    {
        public InMemoryRegionalStore Store { get; } = store;
        public LocalStates States { get; } = states;
        public SyncMetrics Metrics { get; } = metrics;
        public HybridLogicalClock Clock { get; } = clock;
        public SyncEngine Engine { get; set; } = null!;
        public required RegionSet Configured { get; init; }
        public bool Joining { get; init; }

        /// <summary>What the region's active grains hold: may lag the store, as grain state does in the product.</summary>
        public Dictionary<(EntityType, string), EntityState?> Grains { get; } = [];
    }

    private sealed class SkewedTime(ManualTime time, TimeSpan skew) : TimeProvider
    {
        public TimeSpan Skew { get; set; } = skew;

        public override DateTimeOffset GetUtcNow() => time.Now + Skew;
    }
}

/// <summary>
/// What one schedule did and what it broke (nothing, when the product is right). PeriodicRounds: rounds the
/// periodic timer started while settling; Rounds: reconciliation rounds completed (digest responses handled),
/// whoever started them.
/// </summary>
public sealed record ScheduleResult(
    int Seed, int Writes, int Deletes, int Mismatches, int Lost, long VersionsChecked, long Messages, long Dropped, long Duplicated,
    long Corrupted, int Faults, int Restarts, long Rejected, long Released, long Repaired, long Conflicts, string Digest, List<string> Violations,
    int PeriodicRounds, long Rounds, long DeltasSent = 0, long DeltasRefused = 0);
