using Haunt.Tests.Simulation;

namespace Haunt.Tests.Storage;

/// <summary>
/// What every <see cref="IRegionalStore"/> must do, run against each implementation: the SQL store on SQLite and
/// on PostgreSQL (production) and the simulation's <see cref="InMemoryRegionalStore"/>, so that what the seeded
/// schedules prove about the sync core holds for the store the product runs. The SQL store is the reference:
/// where the in-memory store differed, the in-memory store was changed. It pins down:
/// <list type="bullet">
/// <item>Local commits (the version check): expected version 0 means "no row yet", any other the stored version;
/// a stale, future or missing version refuses the whole commit — every entity and every outbox row — and returns
/// the stored state. Writes of one commit are checked in order. A committed write queues one row per peer (never
/// for its own region) in its wire form, and raises OutboxAppended, which a throwing subscriber cannot undo.
/// Tombstones stay rows: an insert cannot replace one, a write that read it can.</item>
/// <item>Remote batches: the resolver decides each item in order, against what the earlier items left; what it
/// returns is stored, the rest counted as ignored; a conflict with a stored state is logged once per pair of
/// vectors; nothing applied is queued again. A batch is all or nothing (a throwing resolver stores none of it),
/// and an entity written between the resolver's read and the store's write is resolved again, never
/// overwritten. The highest seq applied and the count of stored changes are kept per origin.</item>
/// <item>The outbox: (priority, seq) order for sending with in-flight rows skipped; seq order for the queue
/// view; acks prune rows every peer has and move the watermark to just below the oldest row the peer has not
/// acked; a released backlog drops what only that peer needed and flags it needs-snapshot, and later writes
/// still queue for it. Unknown regions are refused.</item>
/// <item>Reads: ids in byte order; tombstones in reads, versions and the digest but not in portfolio lists; the
/// digest's exact form (so regions on different engines compare); conflicts paged by id; metrics pruned by age.</item>
/// </list>
/// Not pinned: the values of seqs and conflict ids (PostgreSQL's sequences skip numbers a rolled-back
/// transaction took), concurrent callers (the in-memory store is single-threaded; <see cref="SharedStoreTests"/>
/// covers two SQL writers on one file or schema), closing, schema scripts and reopening (<see cref="RegionalStoreTests"/>).
/// </summary>
public abstract partial class RegionalStoreContract : IAsyncLifetime
{
    private IAsyncDisposable? _owner;

    /// <summary>The store's clock: it stamps outbox rows, acks and conflicts; it only moves when a test moves it.</summary>
    protected ManualTime Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    protected long NowMs => Clock.Now.ToUnixTimeMilliseconds();

    /// <summary>Osaka's store, empty and initialized, on <see cref="Clock"/>.</summary>
    protected IRegionalStore Store { get; private set; } = null!;

    /// <summary>Opens an empty, initialized osaka store on <paramref name="time"/>, and what closes it and removes its file or schema.</summary>
    protected abstract Task<(IRegionalStore Store, IAsyncDisposable Owner)> OpenAsync(TimeProvider time);

    public async Task InitializeAsync() => (Store, _owner) = await OpenAsync(Clock);

    public async Task DisposeAsync()
    {
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }

    /// <summary>A state whose clock and payload follow its vector, so that two versions of an entity never look alike.</summary>
    protected static EntityState State(EntityType type, string id, VersionVector vector, string by = KnownRegions.Osaka, bool deleted = false, string? portfolio = null) =>
        new(type, id, KnownRegions.Osaka, vector, new HybridTimestamp(1_767_600_000_000 + vector.Sum, 1), by, deleted, portfolio,
            $"{{\"id\":\"{id}\",\"by\":\"{by}\",\"v\":\"{vector}\",\"note\":\"caf\u00e9 \u6771\u4eac\"}}");

    protected static EntityState Profile(string id, long osaka = 1, long seoul = 0, long nyc = 0, string by = KnownRegions.Osaka) =>
        State(EntityType.Profile, id, V(osaka, seoul, nyc), by);

    protected static LocalWrite Insert(EntityState state) => new(state, SyncOperation.Insert, 0);

    protected static LocalWrite Insert(EntityType type, string id) => Insert(State(type, id, V(1, 0, 0)));

    /// <summary>The write of <paramref name="next"/> by a writer that read version <paramref name="expected"/>.</summary>
    protected static LocalWrite Update(EntityState next, long expected) => new(next, SyncOperation.Update, expected);

    protected static ChangeItem Change(long seq, EntityState state) => new(seq, SyncOperation.Update, state, 1_767_600_000_000 + seq);

    protected async Task CommittedAsync(params LocalWrite[] writes) =>
        Assert.Equal(CommitStatus.Committed, (await Store.CommitLocalAsync(writes)).Status);

    protected async Task<IReadOnlyList<long>> PendingSeqsAsync(string peer) =>
        (await Store.PendingForPeerAsync(peer, 100)).Select(r => r.Seq).ToList();
}
