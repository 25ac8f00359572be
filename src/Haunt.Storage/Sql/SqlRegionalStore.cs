using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haunt.Storage.Sql;

/// <summary>
/// A region's store on a SQL engine (<see cref="SqlDialect"/>: SQLite file or PostgreSQL schema). This process's
/// writes go through one <see cref="StoreWriter"/> (group commit); reads use pooled connections of their own,
/// which both engines let run beside the writer and see its last commit. Every silo of a region opens its own
/// store on the same file or schema, so each write is checked in the database, not in memory: a local write
/// replaces only the version its grain read, and an applied remote change only the version the resolver saw
/// (else the batch is resolved again on what is stored now).
/// </summary>
public sealed partial class SqlRegionalStore(string region, SqlDialect dialect, TimeProvider time, ILogger? logger = null, RegionSet? regions = null) : IRegionalStore
{
    private StoreWriter? _writer;
    private bool _closed;

    /// <summary>The deployment's configured regions: a new store queues for the others until a membership is adopted.</summary>
    public RegionSet Regions { get; } = regions ?? RegionSet.Default;

    public string Region { get; } = (regions ?? RegionSet.Default).Require(region);

    public SqlDialect Dialect => dialect;

    /// <summary>Where this region's data lives (file path, or host/database/schema), for messages.</summary>
    public string Location => dialect.Location;

    public event Action? OutboxAppended;

    public event Action? FeedAppended;

    private StoreWriter Writer => _writer ?? (_closed
        ? throw new ObjectDisposedException(nameof(SqlRegionalStore), $"The {Region} store is closed.")
        : throw new InvalidOperationException("The regional store is not initialized."));

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using (var connection = dialect.CreateConnection())
        {
            await connection.OpenAsync(cancellationToken);
            await SchemaMigrator.MigrateAsync(dialect, connection, cancellationToken);
            await CheckStampsAsync(connection, cancellationToken);
        }

        _writer = new StoreWriter(dialect, logger ?? NullLogger.Instance);
        _writer.Committed += results =>
        {
            var committed = results.Any(r => r is CommitResult { Status: CommitStatus.Committed });
            if (committed)
            {
                OutboxAppended?.Invoke();
            }

            if (committed || results.Any(r => r is ApplyResult { Stored.Count: > 0 }))
            {
                FeedAppended?.Invoke();
            }
        };
        await Writer.RunAsync(w => w.ExecuteAll(Regions.PeersOf(Region).Select(peer =>
            new SqlStatement("INSERT INTO sync_state (peer, watermark, needs_snapshot, updated_at_ms) VALUES (@peer, 0, 0, @now) ON CONFLICT (peer) DO NOTHING")
                .Add("@peer", peer).Add("@now", NowMs)).ToList()));
    }

    public async Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes)
    {
        // JSON is built here, on the caller's thread: the writer thread only runs SQL. So is the trace the write is made in
        // read here: the writer's thread is in none.
        var prepared = writes.Select(w => (Write: w, Json: StateJson.Serialize(w.State), Priority: w.State.Type.Info().Priority)).ToArray();
        var traceParent = TraceContext.Current();
        try
        {
            // Each write goes with its outbox row, that row's one pending row per peer and its change-feed row; all of
            // them travel in one round trip where the engine pipelines (with the other commits of the transaction). A write
            // that found another version rolls the whole job back, outbox rows included. The feed lock (where the engine
            // needs one) comes first: outbox seqs are then drawn in commit order too, as the senders' cursors need (OutboxCursor).
            var locked = FeedLock;
            return await Writer.RunAsync(() =>
            {
                var now = NowMs;
                return [.. locked, .. prepared.SelectMany(p => new[] { WriteIfUnchanged(p.Write), AppendOutbox(p.Write, p.Json, p.Priority, now, traceParent), MarkPending(p.Priority) }),
                    .. FeedRows(prepared.Select(p => (p.Write.State, p.Write.Operation, p.Json)), now)];
            }, (w, affected) =>
            {
                for (var i = 0; i < prepared.Length; i++)
                {
                    if (affected[locked.Length + 3 * i] != 1)
                    {
                        var state = prepared[i].Write.State;
                        throw new VersionMovedException(ReadInTransaction(w, state.Type, state.Id));
                    }
                }

                return new CommitResult(CommitStatus.Committed, null);
            });
        }
        catch (VersionMovedException moved)
        {
            return new CommitResult(CommitStatus.VersionMismatch, moved.Current);
        }
    }

    public async Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Writer.RunAsync(w => Apply(w, origin, items, resolver), urgent: true);
            }
            catch (VersionMovedException) when (attempt < MaxApplyAttempts)
            {
                // Another silo of the region wrote one of the batch's entities between our read and our write.
            }
        }
    }

    private const int MaxApplyAttempts = 16;

    private ApplyResult Apply(StoreWriter w, string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver)
    {
        var stored = new List<LocalWrite>();
        var pairs = new List<(EntityState Local, EntityState Remote, Resolution Resolution)>();
        var ignored = 0;
        var locals = ReadLocals(w, items);
        foreach (var item in items)
        {
            var local = locals.GetValueOrDefault((item.State.Type, item.State.Id));
            var resolution = resolver.Resolve(local, item.State);
            if (resolution.Outcome == ApplyOutcome.Ignored || resolution.ToStore is null)
            {
                ignored++;
                continue;
            }

            locals[(item.State.Type, item.State.Id)] = resolution.ToStore;
            stored.Add(new LocalWrite(resolution.ToStore, item.Operation, local?.Version ?? 0));
            if (resolution.Outcome == ApplyOutcome.Conflict && local is not null)
            {
                pairs.Add((local, item.State, resolution));
            }
        }

        // The whole batch's writes and its applied-seq record go in one round trip where the engine pipelines.
        // Each write replaces only the version read above: one that finds another undoes the job, to be resolved again.
        var affected = w.ExecuteAll([.. stored.Select(WriteIfUnchanged), RecordApplied(origin, items, stored.Count),
            .. AppendFeed(stored.Select(s => (s.State, s.Operation, StateJson.Serialize(s.State))), NowMs)]);
        if (affected.Take(stored.Count).Any(n => n != 1))
        {
            throw new VersionMovedException(null);
        }

        var conflicts = pairs.Select(p => RecordConflict(w, p.Local, p.Remote, p.Resolution)).OfType<ConflictRecord>().ToList();
        return new ApplyResult([.. stored.Select(s => s.State)], ignored, conflicts);
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        await dialect.DisposeAsync().ConfigureAwait(false);
    }

    private static EntityState? ReadInTransaction(StoreWriter w, EntityType type, string id)
    {
        using var reader = w.Reader(new SqlStatement(EntityRows.SelectById(type)).Add("@id", id));
        return reader.Read() ? EntityRows.Read(type, reader) : null;
    }

    /// <summary>The stored rows of every entity a batch touches, one query per entity type.</summary>
    private Dictionary<(EntityType, string), EntityState> ReadLocals(StoreWriter w, IReadOnlyList<ChangeItem> items)
    {
        var locals = new Dictionary<(EntityType, string), EntityState>();
        foreach (var group in items.GroupBy(i => i.State.Type))
        {
            var ids = group.Select(i => i.State.Id).Distinct().ToArray();
            using var reader = w.Reader(new SqlStatement(EntityRows.SelectMany(dialect, group.Key)).Add("@ids", dialect.ListValue(ids)));
            while (reader.Read())
            {
                var state = EntityRows.Read(group.Key, reader);
                locals[(group.Key, state.Id)] = state;
            }
        }

        return locals;
    }

    /// <summary>Inserts a new entity or replaces the version the writer read; affects no row if another version is stored.</summary>
    private static SqlStatement WriteIfUnchanged(LocalWrite write)
    {
        var statement = EntityRows.Bind(
            new SqlStatement(write.ExpectedVersion == 0 ? EntityRows.InsertNew(write.State.Type) : EntityRows.UpdateExpected(write.State.Type)), write.State);
        return write.ExpectedVersion == 0 ? statement : statement.Add("@expected", write.ExpectedVersion);
    }

    private static SqlStatement AppendOutbox(LocalWrite write, string json, int priority, long now, string? traceParent) => new SqlStatement(
            "INSERT INTO sync_queue (priority, entity_type, entity_id, operation, version_vector, committed_at_ms, bytes, state, trace_parent) " +
            "VALUES (@priority, @type, @id, @op, @vector, @now, @bytes, @state, @trace)")
        .Add("@priority", priority)
        .Add("@type", (int)write.State.Type)
        .Add("@id", write.State.Id)
        .Add("@op", (int)write.Operation)
        .Add("@vector", write.State.Vector.ToString())
        .Add("@now", now)
        .Add("@bytes", json.Length)
        .Add("@state", json)
        .Add("@trace", traceParent);

    /// <summary>
    /// The outbox row just appended (on this connection, in this transaction) is pending for every peer sync_state
    /// lists: the peers of the membership adopted (<see cref="SaveMembershipAsync"/>), read in the same transaction, so
    /// a change committed after a region was admitted is queued for it on every silo of this region.
    /// </summary>
    private SqlStatement MarkPending(int priority) => new SqlStatement(
            $"INSERT INTO sync_pending (peer, seq, priority) SELECT peer, {dialect.LastInsertedOutboxSeq}, @priority FROM sync_state")
        .Add("@priority", priority);

    /// <summary>A peer named in a call: any well-formed region name (the membership, not this store, says who the peers are).</summary>
    private static string Peer(string peer) =>
        RegionNames.IsWellFormed(peer) ? peer : throw new ArgumentException($"'{peer}' is not a region name ({RegionNames.Rule}).", nameof(peer));

    private ConflictRecord? RecordConflict(StoreWriter w, EntityState local, EntityState remote, Resolution resolution)
    {
        var (a, b) = (local.Vector.ToString(), remote.Vector.ToString());
        var pairKey = string.CompareOrdinal(a, b) <= 0 ? $"{a}|{b}" : $"{b}|{a}";
        var record = new ConflictRecord(0, local.Type, local.Id, a, b, local.Payload, remote.Payload, local.ModifiedBy,
            remote.ModifiedBy, resolution.Winner ?? "?", resolution.Policy ?? "?", Region, NowMs);
        var statement = new SqlStatement(
            "INSERT INTO sync_conflicts (entity_type, entity_id, local_vector, remote_vector, local_payload, remote_payload, local_region, remote_region, winner, policy, detected_in, detected_at_ms, pair_key) " +
            "VALUES (@type, @id, @lv, @rv, @lp, @rp, @lr, @rr, @winner, @policy, @in, @at, @pair) ON CONFLICT (entity_type, entity_id, pair_key) DO NOTHING RETURNING id")
            .Add("@type", (int)record.EntityType)
            .Add("@id", record.EntityId)
            .Add("@lv", record.LocalVector)
            .Add("@rv", record.RemoteVector)
            .Add("@lp", record.LocalPayload)
            .Add("@rp", record.RemotePayload)
            .Add("@lr", record.LocalRegion)
            .Add("@rr", record.RemoteRegion)
            .Add("@winner", record.Winner)
            .Add("@policy", record.Policy)
            .Add("@in", record.DetectedIn)
            .Add("@at", record.DetectedAtMs)
            .Add("@pair", pairKey);
        return w.Scalar(statement) is long id ? record with { Id = id } : null;
    }

    private SqlStatement RecordApplied(string origin, IReadOnlyList<ChangeItem> items, int stored) => new SqlStatement(
            "INSERT INTO sync_versions (origin_region, last_seq_applied, changes_applied, updated_at_ms) VALUES (@origin, @seq, @n, @now) " +
            $"ON CONFLICT (origin_region) DO UPDATE SET last_seq_applied = {dialect.Greatest}(sync_versions.last_seq_applied, excluded.last_seq_applied), " +
            "changes_applied = sync_versions.changes_applied + excluded.changes_applied, updated_at_ms = excluded.updated_at_ms")
        .Add("@origin", origin)
        .Add("@seq", items.Count == 0 ? 0 : items.Max(i => i.Seq))
        .Add("@n", stored)
        .Add("@now", NowMs);

    /// <summary>A write found its entity at another version than it read; carries the stored state where known.</summary>
    private sealed class VersionMovedException(EntityState? current) : Exception("The entity's version moved.")
    {
        public EntityState? Current { get; } = current;
    }
}
