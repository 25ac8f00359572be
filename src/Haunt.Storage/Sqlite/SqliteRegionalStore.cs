using Haunt.Regions;
using Microsoft.Data.Sqlite;

namespace Haunt.Storage.Sqlite;

/// <summary>
/// A region's store in one SQLite file (WAL). All writes go through one <see cref="SqliteWriter"/>
/// (group commit); reads use pooled connections of their own, which WAL lets run beside the writer.
/// </summary>
public sealed partial class SqliteRegionalStore(string region, string path, TimeProvider time) : IRegionalStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private SqliteWriter? _writer;

    public string Region { get; } = Haunt.Regions.Region.Require(region);

    public string Path => path;

    public event Action? OutboxAppended;

    private SqliteWriter Writer => _writer ?? throw new InvalidOperationException("The regional store is not initialized.");

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using (var connection = new SqliteConnection(_connectionString))
        {
            connection.Open();
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
            SqliteMigrator.Migrate(connection);
        }

        _writer = new SqliteWriter(_connectionString);
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
                var command = w.Command("INSERT OR IGNORE INTO sync_state (peer, watermark, needs_snapshot, updated_at_ms) VALUES ($peer, 0, 0, $now)");
                EntityRows.Add(command, "$peer", peer);
                EntityRows.Add(command, "$now", NowMs);
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

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static EntityState? ReadInTransaction(SqliteWriter w, EntityType type, string id)
    {
        var command = w.Command(EntityRows.SelectById(type));
        EntityRows.Add(command, "$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? EntityRows.Read(type, reader) : null;
    }

    /// <summary>The stored rows of every entity a batch touches, one query per entity type.</summary>
    private static Dictionary<(EntityType, string), EntityState> ReadLocals(SqliteWriter w, IReadOnlyList<ChangeItem> items)
    {
        var locals = new Dictionary<(EntityType, string), EntityState>();
        foreach (var group in items.GroupBy(i => i.State.Type))
        {
            var command = w.Command(EntityRows.SelectMany(group.Key));
            EntityRows.Add(command, "$ids", System.Text.Json.JsonSerializer.Serialize(group.Select(i => i.State.Id).Distinct()));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var state = EntityRows.Read(group.Key, reader);
                locals[(group.Key, state.Id)] = state;
            }
        }

        return locals;
    }

    private static bool WriteIfUnchanged(SqliteWriter w, LocalWrite write)
    {
        var command = w.Command(write.ExpectedVersion == 0 ? EntityRows.InsertNew(write.State.Type) : EntityRows.UpdateExpected(write.State.Type));
        EntityRows.Bind(command, write.State);
        if (write.ExpectedVersion != 0)
        {
            EntityRows.Add(command, "$expected", write.ExpectedVersion);
        }

        return command.ExecuteNonQuery() == 1;
    }

    private static void Upsert(SqliteWriter w, EntityState state)
    {
        var command = w.Command(EntityRows.Upsert(state.Type));
        EntityRows.Bind(command, state);
        command.ExecuteNonQuery();
    }

    private void AppendOutbox(SqliteWriter w, LocalWrite write, string json, int priority, long now)
    {
        var command = w.Command(
            "INSERT INTO sync_queue (priority, entity_type, entity_id, operation, version_vector, committed_at_ms, pending_osaka, pending_seoul, pending_nyc, bytes, state) " +
            "VALUES ($priority, $type, $id, $op, $vector, $now, $p_osaka, $p_seoul, $p_nyc, $bytes, $state)");
        EntityRows.Add(command, "$priority", priority);
        EntityRows.Add(command, "$type", (int)write.State.Type);
        EntityRows.Add(command, "$id", write.State.Id);
        EntityRows.Add(command, "$op", (int)write.Operation);
        EntityRows.Add(command, "$vector", write.State.Vector.ToString());
        EntityRows.Add(command, "$now", now);
        EntityRows.Add(command, "$p_osaka", Region == Haunt.Regions.Region.Osaka ? 0 : 1);
        EntityRows.Add(command, "$p_seoul", Region == Haunt.Regions.Region.Seoul ? 0 : 1);
        EntityRows.Add(command, "$p_nyc", Region == Haunt.Regions.Region.Nyc ? 0 : 1);
        EntityRows.Add(command, "$bytes", json.Length);
        EntityRows.Add(command, "$state", json);
        command.ExecuteNonQuery();
    }

    private ConflictRecord? RecordConflict(SqliteWriter w, EntityState local, EntityState remote, Resolution resolution)
    {
        var (a, b) = (local.Vector.ToString(), remote.Vector.ToString());
        var pairKey = string.CompareOrdinal(a, b) <= 0 ? $"{a}|{b}" : $"{b}|{a}";
        var record = new ConflictRecord(0, local.Type, local.Id, a, b, local.Payload, remote.Payload, local.ModifiedBy,
            remote.ModifiedBy, resolution.Winner ?? "?", resolution.Policy ?? "?", Region, NowMs);
        var command = w.Command(
            "INSERT OR IGNORE INTO sync_conflicts (entity_type, entity_id, local_vector, remote_vector, local_payload, remote_payload, local_region, remote_region, winner, policy, detected_in, detected_at_ms, pair_key) " +
            "VALUES ($type, $id, $lv, $rv, $lp, $rp, $lr, $rr, $winner, $policy, $in, $at, $pair) RETURNING id");
        EntityRows.Add(command, "$type", (int)record.EntityType);
        EntityRows.Add(command, "$id", record.EntityId);
        EntityRows.Add(command, "$lv", record.LocalVector);
        EntityRows.Add(command, "$rv", record.RemoteVector);
        EntityRows.Add(command, "$lp", record.LocalPayload ?? (object)DBNull.Value);
        EntityRows.Add(command, "$rp", record.RemotePayload ?? (object)DBNull.Value);
        EntityRows.Add(command, "$lr", record.LocalRegion);
        EntityRows.Add(command, "$rr", record.RemoteRegion);
        EntityRows.Add(command, "$winner", record.Winner);
        EntityRows.Add(command, "$policy", record.Policy);
        EntityRows.Add(command, "$in", record.DetectedIn);
        EntityRows.Add(command, "$at", record.DetectedAtMs);
        EntityRows.Add(command, "$pair", pairKey);
        return command.ExecuteScalar() is long id ? record with { Id = id } : null;
    }

    private void RecordApplied(SqliteWriter w, string origin, IReadOnlyList<ChangeItem> items, int stored)
    {
        var command = w.Command(
            "INSERT INTO sync_versions (origin_region, last_seq_applied, changes_applied, updated_at_ms) VALUES ($origin, $seq, $n, $now) " +
            "ON CONFLICT(origin_region) DO UPDATE SET last_seq_applied = MAX(last_seq_applied, excluded.last_seq_applied), " +
            "changes_applied = changes_applied + excluded.changes_applied, updated_at_ms = excluded.updated_at_ms");
        EntityRows.Add(command, "$origin", origin);
        EntityRows.Add(command, "$seq", items.Count == 0 ? 0 : items.Max(i => i.Seq));
        EntityRows.Add(command, "$n", stored);
        EntityRows.Add(command, "$now", NowMs);
        command.ExecuteNonQuery();
    }

    /// <summary>A local write found its entity at another version than it read; carries the stored state.</summary>
    private sealed class VersionMovedException(EntityState? current) : Exception("The entity's version moved.")
    {
        public EntityState? Current { get; } = current;
    }
}
