using System.Security.Cryptography;
using System.Text;

namespace Haunt.Tests.Simulation;

/// <summary>
/// The regional store's semantics in memory, for the seeded simulation only (thousands of schedules a run
/// cannot afford a file each). It also watches the invariants as they happen: every stored vector is newer
/// than the one it replaces (versions only go up, nothing comes back without a newer version), and a
/// received change never replaces a state with an equal vector (duplicates apply once).
/// </summary>
public sealed class InMemoryRegionalStore(string region, Func<long> nowMs) : IRegionalStore
{
    private readonly Dictionary<(EntityType Type, string Id), EntityState> _rows = [];
    private readonly SortedDictionary<long, (int Priority, OutboxRow Row, HashSet<string> Pending, long CommittedAt)> _outbox = [];
    private readonly Dictionary<string, PeerState> _peers = KnownRegions.PeersOf(region).ToDictionary(p => p, p => new PeerState(p, 0, null, false, 0, 0));
    private readonly List<ConflictRecord> _conflicts = [];
    private readonly HashSet<(EntityType, string, string)> _pairs = [];
    private readonly Dictionary<(EntityType Type, string Id), VersionVector> _tombstones = [];
    private long _seq;

    public string Region => region;

    /// <summary>Invariant violations seen while running (empty when the product behaved).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>(type, id, pair key) of every concurrent pair of versions this region met (its own against a received one).</summary>
    public HashSet<(EntityType Type, string Id, string Pair)> ConcurrentSeen { get; } = [];

    /// <summary>Stored states replaced by this region, each checked to be newer than the one before it.</summary>
    public long VersionsChecked { get; private set; }

    /// <summary>Every stored state, for the end-of-run comparison between regions.</summary>
    public IReadOnlyDictionary<(EntityType Type, string Id), EntityState> Rows => _rows;

    public event Action? OutboxAppended;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes)
    {
        foreach (var write in writes)
        {
            var current = _rows.GetValueOrDefault((write.State.Type, write.State.Id));
            if ((current?.Version ?? 0) != write.ExpectedVersion)
            {
                return Task.FromResult(new CommitResult(CommitStatus.VersionMismatch, current));
            }
        }

        foreach (var write in writes)
        {
            Store(write.State);
            var seq = ++_seq;
            var json = StateJson.Serialize(write.State);
            var row = new OutboxRow(seq, OutboxRow.ItemJsonOf(seq, write.Operation, json, nowMs()), json.Length);
            _outbox[seq] = (write.State.Type.Info().Priority, row, KnownRegions.PeersOf(region).ToHashSet(), nowMs());
        }

        OutboxAppended?.Invoke();
        return Task.FromResult(new CommitResult(CommitStatus.Committed, null));
    }

    public Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver)
    {
        var stored = new List<EntityState>();
        var conflicts = new List<ConflictRecord>();
        var ignored = 0;
        foreach (var item in items)
        {
            var local = _rows.GetValueOrDefault((item.State.Type, item.State.Id));
            var resolution = resolver.Resolve(local, item.State);
            if (local is not null && local.Vector.Compare(item.State.Vector) == VectorOrder.Concurrent)
            {
                ConcurrentSeen.Add((item.State.Type, item.State.Id, PairKey(local.Vector, item.State.Vector)));
                var expected = item.State.Type.Info().IsAppendOnly ? ApplyOutcome.Applied : ApplyOutcome.Conflict;
                if (resolution.Outcome != expected)
                {
                    Violations.Add($"{region}: concurrent {item.State.Type} {item.State.Id} resolved as {resolution.Outcome}, expected {expected}");
                }
            }

            if (resolution.ToStore is null || resolution.Outcome == ApplyOutcome.Ignored)
            {
                ignored++;
                continue;
            }

            if (local is not null && resolution.ToStore.Vector == local.Vector)
            {
                Violations.Add($"{region}: {item.State.Type} {item.State.Id} applied twice at {local.Vector}");
            }

            Store(resolution.ToStore);
            stored.Add(resolution.ToStore);
            if (resolution.Outcome == ApplyOutcome.Conflict && local is not null)
            {
                // One row per pair, as the SQLite store's unique pair_key makes it.
                if (_pairs.Add((local.Type, local.Id, PairKey(local.Vector, item.State.Vector))))
                {
                    var record = new ConflictRecord(_conflicts.Count + 1, local.Type, local.Id, local.Vector.ToString(), item.State.Vector.ToString(),
                        local.Payload, item.State.Payload,
                        local.ModifiedBy, item.State.ModifiedBy, resolution.Winner ?? "?", resolution.Policy ?? "?", region, nowMs());
                    _conflicts.Add(record);
                    conflicts.Add(record);
                }
            }
        }

        return Task.FromResult(new ApplyResult(stored, ignored, conflicts));
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
                Violations.Add($"{region}: {state.Type} {state.Id} went from {old.Vector} to {state.Vector}");
            }
        }

        // Nothing deleted comes back unless a write that saw the delete brings it back.
        if (!state.Deleted && _tombstones.TryGetValue(key, out var tombstone) && state.Vector.Compare(tombstone) != VectorOrder.Newer)
        {
            Violations.Add($"{region}: {state.Type} {state.Id} came back at {state.Vector} after its delete at {tombstone}");
        }

        if (state.Deleted)
        {
            _tombstones[key] = state.Vector;
        }

        _rows[key] = state;
    }

    public Task<EntityState?> ReadAsync(EntityType type, string id) => Task.FromResult(_rows.GetValueOrDefault((type, id)));

    public Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId) =>
        Task.FromResult<IReadOnlyList<EntityState>>(_rows.Values.Where(s => s.Type == type && s.PortfolioId == portfolioId && !s.Deleted).OrderBy(s => s.Id, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, IReadOnlyCollection<long>? inFlight = null)
    {
        var skip = inFlight?.ToHashSet() ?? [];
        return Task.FromResult<IReadOnlyList<OutboxRow>>(_outbox.Where(o => o.Value.Pending.Contains(peer) && !skip.Contains(o.Key))
            .OrderBy(o => o.Value.Priority).ThenBy(o => o.Key).Take(limit).Select(o => o.Value.Row).ToList());
    }

    public Task AckAsync(string peer, IReadOnlyList<long> seqs)
    {
        foreach (var seq in seqs)
        {
            if (_outbox.TryGetValue(seq, out var entry))
            {
                entry.Pending.Remove(peer);
                if (entry.Pending.Count == 0)
                {
                    _outbox.Remove(seq);
                }
            }
        }

        var lowest = _outbox.Where(o => o.Value.Pending.Contains(peer)).Select(o => o.Key).DefaultIfEmpty(_seq + 1).Min();
        _peers[peer] = _peers[peer] with { Watermark = lowest - 1, LastAckAtMs = nowMs() };
        return Task.CompletedTask;
    }

    public Task<Backlog> BacklogAsync(string peer)
    {
        var rows = _outbox.Values.Where(o => o.Pending.Contains(peer)).ToList();
        return Task.FromResult(new Backlog(rows.Count, rows.Sum(r => (long)r.Row.Bytes), rows.Count == 0 ? null : rows.Min(r => r.CommittedAt), _seq));
    }

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(long after, int limit) =>
        Task.FromResult<IReadOnlyList<ConflictRecord>>(_conflicts.Where(c => c.Id > after).Take(limit).ToList());

    public Task<long> ConflictCountAsync() => Task.FromResult((long)_conflicts.Count);

    public Task<RegionDigest> DigestAsync()
    {
        using var overall = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var perType = new Dictionary<EntityType, string>();
        foreach (var info in EntityTypes.All.OrderBy(i => i.Type))
        {
            using var typeHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var state in _rows.Values.Where(s => s.Type == info.Type).OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                var line = Encoding.UTF8.GetBytes($"{(int)info.Type}|{state.Id}|{state.Vector}|{(state.Deleted ? 1 : 0)}\n");
                typeHash.AppendData(line);
                overall.AppendData(line);
            }

            perType[info.Type] = Convert.ToHexStringLower(typeHash.GetHashAndReset());
        }

        return Task.FromResult(new RegionDigest(Convert.ToHexStringLower(overall.GetHashAndReset()), _rows.Values.Count(s => !s.Deleted), perType));
    }

    public Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type) =>
        Task.FromResult<IReadOnlyList<VersionStamp>>(_rows.Values.Where(s => s.Type == type).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new VersionStamp(s.Id, s.Vector, s.Deleted)).ToList());

    public Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids) =>
        Task.FromResult<IReadOnlyList<EntityState>>(ids.Select(id => _rows.GetValueOrDefault((type, id))).OfType<EntityState>().ToList());

    public Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit) =>
        Task.FromResult<IReadOnlyList<OutboxRow>>(_outbox.Where(o => o.Key > afterSeq && (peer is null || o.Value.Pending.Contains(peer)))
            .Take(limit).Select(o => o.Value.Row).ToList());

    public Task<PeerState> PeerStateAsync(string peer) => Task.FromResult(_peers[peer]);

    public Task<long> ReleaseBacklogAsync(string peer)
    {
        long released = 0;
        foreach (var (seq, entry) in _outbox.ToList())
        {
            if (entry.Pending.Remove(peer))
            {
                released++;
                if (entry.Pending.Count == 0)
                {
                    _outbox.Remove(seq);
                }
            }
        }

        _peers[peer] = _peers[peer] with { NeedsSnapshot = true };
        return Task.FromResult(released);
    }

    public Task ClearNeedsSnapshotAsync(string peer)
    {
        _peers[peer] = _peers[peer] with { NeedsSnapshot = false };
        return Task.CompletedTask;
    }

    public Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs) => Task.CompletedTask;

    public Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit) => Task.FromResult<IReadOnlyList<MetricsRow>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
