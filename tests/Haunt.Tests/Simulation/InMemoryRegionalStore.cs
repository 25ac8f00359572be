namespace Haunt.Tests.Simulation;

/// <summary>
/// The regional store's semantics in memory, for the seeded simulation only (thousands of schedules a run
/// cannot afford a file each). <see cref="Storage.RegionalStoreContract"/> holds it to the SQL store's behaviour:
/// the same version check, batches all or nothing, the same outbox bookkeeping. Single-threaded, and every call
/// completes synchronously (the simulation never waits), reporting failures through its task. It also watches the invariants as they happen: every stored vector is newer
/// than the one it replaces (versions only go up, nothing comes back without a newer version), and a
/// received change never replaces a state with an equal vector (duplicates apply once).
/// </summary>
public sealed partial class InMemoryRegionalStore(string region, Func<long> nowMs, RegionSet? regions = null) : IRegionalStore
{
    /// <summary>The deployment's regions (default osaka, seoul, nyc): this one queues every change for the others.</summary>
    public RegionSet Regions { get; } = regions ?? RegionSet.Default;

    private const int MaxApplyAttempts = 16;
    private readonly Dictionary<(EntityType Type, string Id), EntityState> _rows = [];
    private readonly SortedDictionary<long, (int Priority, OutboxRow Row, HashSet<string> Pending, long CommittedAt)> _outbox = [];
    private readonly Dictionary<string, PeerState> _peers = (regions ?? RegionSet.Default).PeersOf(region).ToDictionary(p => p, p => new PeerState(p, 0, null, false, 0, 0));
    private readonly List<ConflictRecord> _conflicts = [];
    private readonly HashSet<(EntityType, string, string)> _pairs = [];
    private readonly Dictionary<(EntityType Type, string Id), VersionVector> _tombstones = [];
    private readonly Dictionary<string, (long LastSeq, long Changes)> _applied = [];
    private readonly List<MetricsRow> _metrics = [];
    private long _seq;
    private long _metricsId;
    private long _conflictId;

    public string Location => "memory";

    public string Region { get; } = (regions ?? RegionSet.Default).Require(region);

    /// <summary>Invariant violations seen while running (empty when the product behaved).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>(type, id, pair key) of every concurrent pair of versions this region met (its own against a received one).</summary>
    public HashSet<(EntityType Type, string Id, string Pair)> ConcurrentSeen { get; } = [];

    /// <summary>Stored states replaced by this region, each checked to be newer than the one before it.</summary>
    public long VersionsChecked { get; private set; }

    /// <summary>Every stored state, for the end-of-run comparison between regions.</summary>
    public IReadOnlyDictionary<(EntityType Type, string Id), EntityState> Rows => _rows;

    public event Action? OutboxAppended;

    /// <summary>Puts <paramref name="state"/> back as the stored row, behind the protocol's back (a store restored from an older backup).</summary>
    public void Restore(EntityState state) => _rows[(state.Type, state.Id)] = state;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes) => Run(() =>
    {
        if (!Unchanged(writes, out var current))
        {
            return new CommitResult(CommitStatus.VersionMismatch, current);
        }

        var now = nowMs();
        foreach (var write in writes)
        {
            Store(write.State);
            var seq = ++_seq;
            var json = StateJson.Serialize(write.State);
            var row = new OutboxRow(seq, OutboxRow.ItemJsonOf(seq, write.Operation, json, now, TraceContext.Current()), json.Length, write.State.Type.Info().Priority);
            _outbox[seq] = (write.State.Type.Info().Priority, row, _peers.Keys.ToHashSet(), now);
            AppendFeed(write, now);
        }

        RaiseOutboxAppended();
        return new CommitResult(CommitStatus.Committed, null);
    });

    /// <summary>
    /// The version check, as the SQL store's statements make it in one transaction: each write in order, against
    /// what the writes before it left. Expected version 0 inserts only where no row exists (INSERT ... ON CONFLICT
    /// DO NOTHING), any other replaces only that version (UPDATE ... WHERE version = @expected). False, with the
    /// state the first refused write found, if any write would not land.
    /// </summary>
    private bool Unchanged(IReadOnlyList<LocalWrite> writes, out EntityState? current)
    {
        var staged = new Dictionary<(EntityType, string), EntityState>();
        foreach (var write in writes)
        {
            var key = (write.State.Type, write.State.Id);
            current = staged.TryGetValue(key, out var earlier) ? earlier : _rows.GetValueOrDefault(key);
            if (write.ExpectedVersion == 0 ? current is not null : current?.Version != write.ExpectedVersion)
            {
                return false;
            }

            staged[key] = write.State;
        }

        current = null;
        return true;
    }

    /// <summary>The SQL store raises the event from its writer, which logs a subscriber's exception and goes on: the commit stands.</summary>
    private void RaiseOutboxAppended()
    {
        try
        {
            OutboxAppended?.Invoke();
        }
        catch (Exception ex)
        {
            Violations.Add($"{Region}: an OutboxAppended subscriber threw: {ex.Message}");
        }
    }

    /// <summary>
    /// As the SQL store: read what the batch touches, resolve every item in order (each against what the earlier
    /// ones left), then write each only over the version the resolver saw; if one moved (a write made from inside
    /// the resolver), nothing of the batch is written and it is resolved again on what is stored now.
    /// </summary>
    public Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver) => Run(() =>
    {
        for (var attempt = 1; ; attempt++)
        {
            var decisions = Decide(items, resolver);
            var writes = decisions.Where(d => Stores(d.Resolution))
                .Select(d => new LocalWrite(d.Resolution.ToStore!, d.Item.Operation, d.Local?.Version ?? 0)).ToList();
            if (!Unchanged(writes, out _))
            {
                if (attempt == MaxApplyAttempts)
                {
                    throw new InvalidOperationException($"{Region}: a batch from {origin} kept finding its entities moved; gave up after {attempt} attempts.");
                }

                continue;
            }

            foreach (var (local, item, resolution) in decisions)
            {
                Watch(local, item.State, resolution);
            }

            foreach (var write in writes)
            {
                Store(write.State);
                AppendFeed(write, nowMs());
            }

            var conflicts = decisions.Where(d => d.Resolution.Outcome == ApplyOutcome.Conflict && d.Local is not null && Stores(d.Resolution))
                .Select(d => RecordConflict(d.Local!, d.Item.State, d.Resolution)).OfType<ConflictRecord>().ToList();
            var (lastSeq, changes) = _applied.GetValueOrDefault(origin);
            _applied[origin] = (Math.Max(lastSeq, items.Count == 0 ? 0 : items.Max(i => i.Seq)), changes + writes.Count);
            return new ApplyResult([.. writes.Select(w => w.State)], decisions.Count - writes.Count, conflicts);
        }
    });

    /// <summary>The resolver's decision for each item, against the stored state as the earlier items of the batch left it.</summary>
    private List<(EntityState? Local, ChangeItem Item, Resolution Resolution)> Decide(IReadOnlyList<ChangeItem> items, IChangeResolver resolver)
    {
        var locals = new Dictionary<(EntityType, string), EntityState?>();
        var decisions = new List<(EntityState? Local, ChangeItem Item, Resolution Resolution)>();
        foreach (var item in items)
        {
            var key = (item.State.Type, item.State.Id);
            var local = locals.TryGetValue(key, out var earlier) ? earlier : _rows.GetValueOrDefault(key);
            var resolution = resolver.Resolve(local, item.State);
            decisions.Add((local, item, resolution));
            if (Stores(resolution))
            {
                locals[key] = resolution.ToStore;
            }
        }

        return decisions;
    }

    private static bool Stores(Resolution resolution) => resolution is { Outcome: not ApplyOutcome.Ignored, ToStore: not null };

    /// <summary>The invariants of one applied decision: a concurrent pair gets its type's outcome, nothing is applied twice.</summary>
    private void Watch(EntityState? local, EntityState incoming, Resolution resolution)
    {
        if (local is not null && local.Vector.Compare(incoming.Vector) == VectorOrder.Concurrent)
        {
            ConcurrentSeen.Add((incoming.Type, incoming.Id, PairKey(local.Vector, incoming.Vector)));
            var expected = incoming.Type.Info().IsAppendOnly ? ApplyOutcome.Applied : ApplyOutcome.Conflict;
            if (resolution.Outcome != expected)
            {
                Violations.Add($"{Region}: concurrent {incoming.Type} {incoming.Id} resolved as {resolution.Outcome}, expected {expected}");
            }
        }

        if (Stores(resolution) && local is not null && resolution.ToStore!.Vector == local.Vector)
        {
            Violations.Add($"{Region}: {incoming.Type} {incoming.Id} applied twice at {local.Vector}");
        }
    }

    /// <summary>One row per pair, as the SQL store's unique pair_key makes it; null when the pair is already logged.</summary>
    private ConflictRecord? RecordConflict(EntityState local, EntityState remote, Resolution resolution)
    {
        if (!_pairs.Add((local.Type, local.Id, PairKey(local.Vector, remote.Vector))))
        {
            return null;
        }

        var record = new ConflictRecord(++_conflictId, local.Type, local.Id, local.Vector.ToString(), remote.Vector.ToString(), local.Payload,
            remote.Payload, local.ModifiedBy, remote.ModifiedBy, resolution.Winner ?? "?", resolution.Policy ?? "?", Region, nowMs());
        _conflicts.Add(record);
        return record;
    }

    /// <summary>The logged pair key of two vectors, whichever side each is on.</summary>
    public static string PairKey(VersionVector x, VersionVector y)
    {
        var (a, b) = (x.ToString(), y.ToString());
        return string.CompareOrdinal(a, b) <= 0 ? $"{a}|{b}" : $"{b}|{a}";
    }

    private void Store(EntityState state)
    {
        var key = (state.Type, state.Id);
        if (_rows.TryGetValue(key, out var old))
        {
            VersionsChecked++;
            if (state.Vector.Compare(old.Vector) != VectorOrder.Newer)
            {
                Violations.Add($"{Region}: {state.Type} {state.Id} went from {old.Vector} to {state.Vector}");
            }
        }

        // Nothing deleted comes back unless a write that saw the delete brings it back.
        if (!state.Deleted && _tombstones.TryGetValue(key, out var tombstone) && state.Vector.Compare(tombstone) != VectorOrder.Newer)
        {
            Violations.Add($"{Region}: {state.Type} {state.Id} came back at {state.Vector} after its delete at {tombstone}");
        }

        if (state.Deleted)
        {
            _tombstones[key] = state.Vector;
        }

        _rows[key] = state;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs at once (the simulation never waits) and reports a failure through the task, as the SQL store's calls do.</summary>
    private static Task<T> Run<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static Task Run(Action work) => Run(() =>
    {
        work();
        return true;
    });
}
