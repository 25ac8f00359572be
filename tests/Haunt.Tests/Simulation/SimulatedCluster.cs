using Haunt.Grains.Replication;
using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Haunt.Trading;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Simulation;

/// <summary>What one schedule did and what it broke (nothing, when the product is right).</summary>
public sealed record ScheduleResult(int Seed, int Writes, long Messages, long Dropped, long Duplicated, long Corrupted, int Faults, List<string> Violations);

/// <summary>
/// Three regions running the product's <see cref="SyncEngine"/>, <see cref="ConflictResolver"/>, codec and
/// write path (<see cref="LocalStates"/>) over in-memory stores, a simulated network and a simulated clock,
/// driven one step at a time by a seeded random schedule of writes, deletes, deliveries, ticks and faults.
/// </summary>
public sealed class SimulatedCluster
{
    private static readonly BatchCodec s_codec = new(Options.Create(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey }));
    private static readonly SyncOptions s_options = new()
    {
        ClusterKey = HauntSiloConfigurator.ClusterKey,
        AckTimeout = TimeSpan.FromMilliseconds(300),
        MaxBackoff = TimeSpan.FromSeconds(1),
        BatchSize = 8,
        MaxBacklogRows = 40,
        MaxBatchesInFlight = 2,
    };

    private readonly Random _random;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private readonly SimulatedNetwork _network;
    private readonly Dictionary<string, (InMemoryRegionalStore Store, SyncEngine Engine, LocalStates States)> _regions = [];
    private readonly Dictionary<(EntityType, string), Dictionary<string, int>> _acked = [];
    private int _faults;

    public SimulatedCluster(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
        _network = new SimulatedNetwork(_time, _random);
        foreach (var region in Region.All)
        {
            var skewed = new SkewedTime(_time, TimeSpan.FromMilliseconds(_random.Next(-50, 50)));
            var clock = new HybridLogicalClock(skewed);
            var store = new InMemoryRegionalStore(region, () => _time.Now.ToUnixTimeMilliseconds());
            var engine = new SyncEngine(region, store, _network.LinkFor(region), s_codec, new SyncMetrics(new SiloRegion(region)), clock,
                s_options, NullLogger.Instance, new Random(seed ^ region.Length));
            _regions[region] = (store, engine, new LocalStates(new SiloRegion(region), clock));
        }
    }

    public int Seed { get; }

    public ScheduleResult Run(int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            Step();
        }

        _network.HealAll();
        Quiesce();
        return new ScheduleResult(Seed, _acked.Values.Sum(v => v.Values.Sum()), _network.Sent, _network.Dropped, _network.Duplicated,
            _network.Corrupted, _faults, Check());
    }

    private void Step()
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
        else if (roll < 96)
        {
            ChangeFault();
        }
        else
        {
            Wait(_regions[Region.All[_random.Next(3)]].Engine.StartRoundAsync());
        }
    }

    /// <summary>Heals, then runs the loops until every region holds the same data and nothing is in flight.</summary>
    private void Quiesce()
    {
        for (var round = 0; round < 4000; round++)
        {
            Advance(50);
            Each(e => e.FlushAllAsync());
            if (round % 20 == 0)
            {
                Each(e => e.HeartbeatAsync());
            }

            if (round % 100 == 99)
            {
                Wait(_regions[Region.All[round / 100 % 3]].Engine.StartRoundAsync());
            }

            DeliverDue();
            if (_network.InTransit == 0 && Converged())
            {
                return;
            }
        }
    }

    private bool Converged() =>
        _regions.Values.Select(r => Wait(r.Store.DigestAsync()).Overall).Distinct().Count() == 1
        && _regions.Values.All(r => Region.PeersOf(r.Store.Region).All(p => Wait(r.Store.BacklogAsync(p)).Rows == 0));

    private List<string> Check()
    {
        var violations = _regions.Values.SelectMany(r => r.Store.Violations).ToList();
        if (!Converged())
        {
            violations.Add("the regions did not converge after healing");
        }

        foreach (var ((type, id), byRegion) in _acked)
        {
            foreach (var region in Region.All)
            {
                var state = Wait(_regions[region].Store.ReadAsync(type, id));
                foreach (var writer in Region.All)
                {
                    var acked = byRegion.GetValueOrDefault(writer);
                    if ((state?.Vector.Get(writer) ?? 0) != acked)
                    {
                        violations.Add($"{type} {id} in {region}: {writer} made {acked} acknowledged writes, vector {state?.Vector}");
                    }
                }
            }
        }

        foreach (var (region, parts) in _regions)
        {
            var conflicts = Wait(parts.Store.ConflictsAsync(0, int.MaxValue));
            foreach (var (type, id) in parts.Store.ConcurrentSeen.Where(k => !k.Item1.Info().IsAppendOnly))
            {
                if (!conflicts.Any(c => c.EntityType == type && c.EntityId == id))
                {
                    violations.Add($"{region} saw concurrent versions of {type} {id} but logged no conflict");
                }
            }

            if (conflicts.Any(c => c.EntityType.Info().IsAppendOnly))
            {
                violations.Add($"{region} logged a conflict for an append-only record");
            }
        }

        return violations;
    }

    private void Write()
    {
        var region = Region.All[_random.Next(3)];
        var (store, _, states) = _regions[region];
        var (type, id) = PickEntity(region);
        var current = Wait(store.ReadAsync(type, id));
        if (type.Info().IsAppendOnly && current is not null)
        {
            return; // append-only records are written once
        }

        var delete = current is { Deleted: false } && type == EntityType.Profile && _random.Next(5) == 0;
        var value = Value(type, id);
        var write = states.Next(current, value, delete);
        if (Wait(store.CommitLocalAsync([write])).Status == CommitStatus.Committed)
        {
            var byRegion = _acked.TryGetValue((type, id), out var d) ? d : _acked[(type, id)] = [];
            byRegion[region] = byRegion.GetValueOrDefault(region) + 1;
        }
    }

    /// <summary>Few ids per type so writes collide; strong ids are written only in their home region.</summary>
    private (EntityType, string) PickEntity(string region) => _random.Next(4) switch
    {
        0 => (EntityType.Profile, $"profile-{_random.Next(4)}"),
        1 => (EntityType.Strategy, $"strategy-{_random.Next(3)}"),
        2 => (EntityType.Trade, $"trade-{_random.Next(30)}"),
        _ => (EntityType.Order, $"order-{region}-{_random.Next(3)}"),
    };

    private IEntity Value(EntityType type, string id) => type switch
    {
        EntityType.Profile => new Profile(id, $"name {_random.Next(1000)}", null, _random.Next(10)),
        EntityType.Strategy => new Strategy(id, "p-1", $"s {_random.Next(1000)}", "{}", _random.Next(2) == 0),
        EntityType.Trade => new Trade(id, "p-1", "o-1", "BTC", OrderSide.Buy, 1, 100, _time.Now),
        _ => new Order(id, "p-1", "ETH", OrderSide.Sell, OrderKind.Limit, _random.Next(1, 5), 3000, OrderStatus.Open, null, _time.Now),
    };

    private void ChangeFault()
    {
        var from = Region.All[_random.Next(3)];
        var to = Region.PeersOf(from).ElementAt(_random.Next(2));
        _faults++;
        _network.Set(from, to, _random.Next(6) switch
        {
            0 => LinkFault.Severed,
            1 => new LinkFault { DropRate = 0.3 },
            2 => new LinkFault { DuplicateRate = 0.5 },
            3 => new LinkFault { MinDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(400) },
            4 => new LinkFault { CorruptRate = 0.3 },
            _ => new LinkFault(),
        });
    }

    private void DeliverDue()
    {
        if (_network.NextDueAt is { } due && due > _time.Now.ToUnixTimeMilliseconds())
        {
            _time.Now = DateTimeOffset.FromUnixTimeMilliseconds(due);
        }

        while (_network.TryTakeDue(out var message))
        {
            Wait(_regions[message.To].Engine.OnMessageAsync(message));
        }
    }

    private void Advance(int milliseconds) => _time.Now = _time.Now.AddMilliseconds(milliseconds);

    private void Each(Func<SyncEngine, Task> tick)
    {
        foreach (var region in Region.All)
        {
            Wait(tick(_regions[region].Engine));
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

    private sealed class SkewedTime(ManualTime time, TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => time.Now + skew;
    }
}
