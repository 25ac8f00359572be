using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Simulation;

// The writes of a schedule, made the way ReplicatedEntityGrain makes them: build the next state on the grain's
// copy (LocalStates.Next), commit with a version check, and on a mismatch take the stored state and retry.
public sealed partial class SimulatedCluster
{
    private const int MaxWriteAttempts = 5;

    /// <summary>Every acknowledged write per entity: the region, the state it committed.</summary>
    private readonly Dictionary<(EntityType, string), List<(string Region, EntityState State)>> _acked = [];
    private int _deletes;

    /// <summary>The regions that take writes (all by default; a scripted schedule may narrow it).</summary>
    public IReadOnlyCollection<string> Writers { get; set; }

    private int _mismatches;

    /// <summary>Writes one profile in a region as its grain would (on the region's stored copy, none if it holds none), outside the schedule.</summary>
    public void PutProfile(string region, string id, string displayName)
    {
        var node = _nodes[region];
        var current = Wait(node.Store.ReadAsync(EntityType.Profile, id));
        Wait(node.Store.CommitLocalAsync([node.States.Next(current, new Profile(id, displayName, null, 1), delete: false, region)]));
    }

    /// <summary>The display name of a profile as a region stores it (null when it holds none).</summary>
    public string? ProfileNameIn(string region, string id) =>
        Wait(_nodes[region].Store.ReadAsync(EntityType.Profile, id)) is { Deleted: false } stored ? StateJson.Deserialize<Profile>(stored.Payload).DisplayName : null;

    /// <summary>Writes <paramref name="count"/> profiles outside the schedule's small pool, so the store is large.</summary>
    public void AddProfiles(string region, int count)
    {
        var node = _nodes[region];
        for (var i = 0; i < count; i++)
        {
            var id = $"bulk-{i:D5}";
            Wait(node.Store.CommitLocalAsync([node.States.Next(null, Value(EntityType.Profile, id), delete: false, region)]));
        }
    }

    /// <summary>A new version of every <paramref name="every"/>th of the first <paramref name="count"/> bulk profiles, written in <paramref name="region"/>.</summary>
    public void TouchProfiles(string region, int count, int every)
    {
        var node = _nodes[region];
        for (var i = 0; i < count; i += every)
        {
            var id = $"bulk-{i:D5}";
            var current = node.Store.ReadAsync(EntityType.Profile, id).GetAwaiter().GetResult();
            Wait(node.Store.CommitLocalAsync([node.States.Next(current, Value(EntityType.Profile, id), delete: false, region)]));
        }
    }

    private void Write()
    {
        var (type, id, home) = PickEntity();

        // Strong entities are written in their home region only (the product forwards writes there).
        var strong = type.Info().Consistency == Consistency.Strong;
        var region = strong ? home : Regions.All[_random.Next(Regions.Count)];
        // A region that is leaving (or left) takes no new writes: the product's grains refuse them.
        if (!Writers.Contains(region) || !_nodes.TryGetValue(region, out var node) || node.Engine.Silo.Leaving || node.Engine.Silo.Removed)
        {
            return;
        }

        if (!node.Grains.TryGetValue((type, id), out var current))
        {
            current = Wait(node.Store.ReadAsync(type, id)); // the grain activates
        }

        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            if (type.Info().IsAppendOnly && current is not null)
            {
                node.Grains[(type, id)] = current;
                return; // append-only records are written once
            }

            var delete = current is { Deleted: false } && type is EntityType.Profile or EntityType.Strategy && _random.Next(4) == 0;
            var write = node.States.Next(current, Value(type, id, current), delete, strong ? home : region);
            var result = Wait(node.Store.CommitLocalAsync([write]));
            if (result.Status == CommitStatus.Committed)
            {
                node.Grains[(type, id)] = write.State;
                _deletes += delete ? 1 : 0;
                var writes = _acked.TryGetValue((type, id), out var list) ? list : _acked[(type, id)] = [];
                writes.Add((region, write.State));
                return;
            }

            // A remote change landed after the grain's read: build on top of it.
            _mismatches++;
            current = result.Current;
        }
    }

    /// <summary>
    /// The product refreshes active grains after an apply, but not atomically with it: half the time the
    /// refresh is left out here, so the next write starts from a stale copy and meets the version check.
    /// </summary>
    private Task Refresh(Node node, IReadOnlyList<EntityState> states)
    {
        foreach (var state in states)
        {
            // A leaving region's handover is a write of its own (its sync loop's, not the workload's): acknowledged. It is
            // the only state of a strong entity that region writes with another home (a repair may bring it back: once).
            var region = node.Store.Region;
            if (node.Engine.Silo.Leaving && state.Type.Info().Consistency == Consistency.Strong && state.ModifiedBy == region && state.HomeRegion != region)
            {
                var writes = _acked.TryGetValue((state.Type, state.Id), out var list) ? list : _acked[(state.Type, state.Id)] = [];
                if (!writes.Exists(w => w.State.Vector == state.Vector))
                {
                    writes.Add((region, state));
                }
            }

            if (node.Grains.ContainsKey((state.Type, state.Id)) && _random.Next(2) == 0)
            {
                node.Grains[(state.Type, state.Id)] = state;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Few ids per type so that writes collide: two eventual types (with deletes), an append-only one, and two
    /// strong ones with a home region each.
    /// </summary>
    private (EntityType Type, string Id, string Home) PickEntity()
    {
        var home = Regions.All[_random.Next(Regions.Count)];
        return _random.Next(5) switch
        {
            0 => (EntityType.Profile, $"profile-{_random.Next(4)}", home),
            1 => (EntityType.Strategy, $"strategy-{_random.Next(3)}", home),
            2 => (EntityType.Trade, $"trade-{_random.Next(30)}", home),
            3 => (EntityType.Order, $"order-{home}-{_random.Next(3)}", home),
            _ => PortfolioIn(_random.Next(3)),
        };
    }

    private (EntityType, string, string) PortfolioIn(int n) => (EntityType.Portfolio, $"portfolio-{n}", Regions.All[n % Regions.Count]);

    /// <summary>
    /// The next value of an entity. A strategy is large (its document, some KB) and moves a tick from the version the
    /// writing region holds, as a running strategy's does: replication sends most of its updates as deltas.
    /// </summary>
    private IEntity Value(EntityType type, string id, EntityState? current = null) => type switch
    {
        EntityType.Profile => new Profile(id, $"name {_random.Next(1000)}", null, _random.Next(10)),
        EntityType.Strategy => new Strategy(id, "portfolio-0", $"s {_random.Next(3)}", "{}", _random.Next(4) != 0,
            current is { Deleted: false } && StateJson.Deserialize<Strategy>(current.Payload).Document is { } document
                ? document.Observe(3000 + _random.Next(100), _time.Now, _random)
                : StrategyDocument.Start("ETH", 3000, _time.Now, _random)),
        EntityType.Trade => new Trade(id, "portfolio-0", "o-1", "BTC", OrderSide.Buy, _random.Next(1, 9), 100, _time.Now),
        EntityType.Portfolio => new Portfolio(id, "owner", _random.Next(1000, 10_000), 10_000, _time.Now),
        _ => new Order(id, "portfolio-0", "ETH", OrderSide.Sell, OrderKind.Limit, _random.Next(1, 5), 3000, OrderStatus.Open, null, _time.Now),
    };
}
