using Haunt.Regions;

namespace Haunt.Storage.Sql;

/// <summary>
/// A region's store on a SQL engine (<see cref="SqlDialect"/>: SQLite file or PostgreSQL schema). All writes go
/// through one <see cref="StoreWriter"/> (group commit); reads use pooled connections of their own, which both
/// engines let run beside the writer and see its last commit.
/// </summary>
public sealed partial class SqlRegionalStore(string region, SqlDialect dialect, TimeProvider time) : IRegionalStore
{
    private StoreWriter? _writer;

    public string Region { get; } = Haunt.Regions.Region.Require(region);

    public SqlDialect Dialect => dialect;

    /// <summary>Where this region's data lives (file path, or host/database/schema), for messages.</summary>
    public string Location => dialect.Location;

    public event Action? OutboxAppended;

    private StoreWriter Writer => _writer ?? throw new InvalidOperationException("The regional store is not initialized.");

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        using (var connection = dialect.CreateConnection())
        {
            connection.Open();
            SchemaMigrator.Migrate(dialect, connection);
        }

        _writer = new StoreWriter(dialect);
        _writer.Committed += results =>
        {
            if (results.Any(r => r is CommitResult { Status: CommitStatus.Committed }))
            {
                OutboxAppended?.Invoke();
            }
        };
        return Writer.RunAsync(w =>
        {
            foreach (var peer in Haunt.Regions.Region.PeersOf(Region))
            {
                var command = w.Command("INSERT INTO sync_state (peer, watermark, needs_snapshot, updated_at_ms) VALUES (@peer, 0, 0, @now) ON CONFLICT (peer) DO NOTHING");
                EntityRows.Add(command, "@peer", peer);
                EntityRows.Add(command, "@now", NowMs);
                command.ExecuteNonQuery();
            }

            return true;
        });
    }

    public async Task<CommitResult> CommitLocalAsync(IReadOnlyList<LocalWrite> writes)
    {
        // JSON is built here, on the caller's thread: the single writer thread only runs SQL.
        var prepared = writes.Select(w => (Write: w, Json: StateJson.Serialize(w.State), Priority: w.State.Type.Info().Priority)).ToArray();
        try
        {
            return await Writer.RunAsync(w =>
            {
                var now = NowMs;
                foreach (var (write, json, priority) in prepared)
                {
                    if (!WriteIfUnchanged(w, write))
                    {
                        // Rolls this job's savepoint back: none of the writes lands.
                        throw new VersionMovedException(ReadInTransaction(w, write.State.Type, write.State.Id));
                    }

                    AppendOutbox(w, write, json, priority, now);
                }

                return new CommitResult(CommitStatus.Committed, null);
            });
        }
        catch (VersionMovedException moved)
        {
            return new CommitResult(CommitStatus.VersionMismatch, moved.Current);
        }
    }

    public Task<ApplyResult> ApplyRemoteAsync(string origin, IReadOnlyList<ChangeItem> items, IChangeResolver resolver) => Writer.RunAsync(w =>
    {
        var stored = new List<EntityState>();
        var conflicts = new List<ConflictRecord>();
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

            Upsert(w, resolution.ToStore);
            locals[(item.State.Type, item.State.Id)] = resolution.ToStore;
            stored.Add(resolution.ToStore);
            if (resolution.Outcome == ApplyOutcome.Conflict && local is not null
                && RecordConflict(w, local, item.State, resolution) is { } conflict)
            {
                conflicts.Add(conflict);
            }
        }

        RecordApplied(w, origin, items, stored.Count);
        return new ApplyResult(stored, ignored, conflicts);
    }, urgent: true);

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        await dialect.DisposeAsync().ConfigureAwait(false);
    }

    private static EntityState? ReadInTransaction(StoreWriter w, EntityType type, string id)
    {
        var command = w.Command(EntityRows.SelectById(type));
        EntityRows.Add(command, "@id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? EntityRows.Read(type, reader) : null;
    }

    /// <summary>The stored rows of every entity a batch touches, one query per entity type.</summary>
    private Dictionary<(EntityType, string), EntityState> ReadLocals(StoreWriter w, IReadOnlyList<ChangeItem> items)
    {
        var locals = new Dictionary<(EntityType, string), EntityState>();
        foreach (var group in items.GroupBy(i => i.State.Type))
        {
            var command = w.Command(EntityRows.SelectMany(dialect, group.Key));
            dialect.AddList(command, "@ids", group.Select(i => i.State.Id).Distinct().ToArray());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var state = EntityRows.Read(group.Key, reader);
                locals[(group.Key, state.Id)] = state;
            }
        }

        return locals;
    }

    private static bool WriteIfUnchanged(StoreWriter w, LocalWrite write)
    {
        var command = w.Command(write.ExpectedVersion == 0 ? EntityRows.InsertNew(write.State.Type) : EntityRows.UpdateExpected(write.State.Type));
        EntityRows.Bind(command, write.State);
        if (write.ExpectedVersion != 0)
        {
            EntityRows.Add(command, "@expected", write.ExpectedVersion);
        }

        return command.ExecuteNonQuery() == 1;
    }

    private static void Upsert(StoreWriter w, EntityState state)
    {
        var command = w.Command(EntityRows.Upsert(state.Type));
        EntityRows.Bind(command, state);
        command.ExecuteNonQuery();
    }

    private void AppendOutbox(StoreWriter w, LocalWrite write, string json, int priority, long now)
    {
        var command = w.Command(
            "INSERT INTO sync_queue (priority, entity_type, entity_id, operation, version_vector, committed_at_ms, pending_osaka, pending_seoul, pending_nyc, bytes, state) " +
            "VALUES (@priority, @type, @id, @op, @vector, @now, @p_osaka, @p_seoul, @p_nyc, @bytes, @state)");
        EntityRows.Add(command, "@priority", priority);
        EntityRows.Add(command, "@type", (int)write.State.Type);
        EntityRows.Add(command, "@id", write.State.Id);
        EntityRows.Add(command, "@op", (int)write.Operation);
        EntityRows.Add(command, "@vector", write.State.Vector.ToString());
        EntityRows.Add(command, "@now", now);
        EntityRows.Add(command, "@p_osaka", Region == Haunt.Regions.Region.Osaka ? 0 : 1);
        EntityRows.Add(command, "@p_seoul", Region == Haunt.Regions.Region.Seoul ? 0 : 1);
        EntityRows.Add(command, "@p_nyc", Region == Haunt.Regions.Region.Nyc ? 0 : 1);
        EntityRows.Add(command, "@bytes", json.Length);
        EntityRows.Add(command, "@state", json);
        command.ExecuteNonQuery();
    }

    private ConflictRecord? RecordConflict(StoreWriter w, EntityState local, EntityState remote, Resolution resolution)
    {
        var (a, b) = (local.Vector.ToString(), remote.Vector.ToString());
        var pairKey = string.CompareOrdinal(a, b) <= 0 ? $"{a}|{b}" : $"{b}|{a}";
        var record = new ConflictRecord(0, local.Type, local.Id, a, b, local.Payload, remote.Payload, local.ModifiedBy,
            remote.ModifiedBy, resolution.Winner ?? "?", resolution.Policy ?? "?", Region, NowMs);
        var command = w.Command(
            "INSERT INTO sync_conflicts (entity_type, entity_id, local_vector, remote_vector, local_payload, remote_payload, local_region, remote_region, winner, policy, detected_in, detected_at_ms, pair_key) " +
            "VALUES (@type, @id, @lv, @rv, @lp, @rp, @lr, @rr, @winner, @policy, @in, @at, @pair) ON CONFLICT (entity_type, entity_id, pair_key) DO NOTHING RETURNING id");
        EntityRows.Add(command, "@type", (int)record.EntityType);
        EntityRows.Add(command, "@id", record.EntityId);
        EntityRows.Add(command, "@lv", record.LocalVector);
        EntityRows.Add(command, "@rv", record.RemoteVector);
        EntityRows.Add(command, "@lp", record.LocalPayload ?? (object)DBNull.Value);
        EntityRows.Add(command, "@rp", record.RemotePayload ?? (object)DBNull.Value);
        EntityRows.Add(command, "@lr", record.LocalRegion);
        EntityRows.Add(command, "@rr", record.RemoteRegion);
        EntityRows.Add(command, "@winner", record.Winner);
        EntityRows.Add(command, "@policy", record.Policy);
        EntityRows.Add(command, "@in", record.DetectedIn);
        EntityRows.Add(command, "@at", record.DetectedAtMs);
        EntityRows.Add(command, "@pair", pairKey);
        return command.ExecuteScalar() is long id ? record with { Id = id } : null;
    }

    private void RecordApplied(StoreWriter w, string origin, IReadOnlyList<ChangeItem> items, int stored)
    {
        var command = w.Command(
            "INSERT INTO sync_versions (origin_region, last_seq_applied, changes_applied, updated_at_ms) VALUES (@origin, @seq, @n, @now) " +
            $"ON CONFLICT (origin_region) DO UPDATE SET last_seq_applied = {dialect.Greatest}(sync_versions.last_seq_applied, excluded.last_seq_applied), " +
            "changes_applied = sync_versions.changes_applied + excluded.changes_applied, updated_at_ms = excluded.updated_at_ms");
        EntityRows.Add(command, "@origin", origin);
        EntityRows.Add(command, "@seq", items.Count == 0 ? 0 : items.Max(i => i.Seq));
        EntityRows.Add(command, "@n", stored);
        EntityRows.Add(command, "@now", NowMs);
        command.ExecuteNonQuery();
    }

    /// <summary>A local write found its entity at another version than it read; carries the stored state.</summary>
    private sealed class VersionMovedException(EntityState? current) : Exception("The entity's version moved.")
    {
        public EntityState? Current { get; } = current;
    }
}
