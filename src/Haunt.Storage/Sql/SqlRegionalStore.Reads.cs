using System.Data.Common;

namespace Haunt.Storage.Sql;

// Reads run on pooled connections of their own: SQLite's WAL and PostgreSQL's MVCC let them see the last commit
// without waiting for the writer.
public sealed partial class SqlRegionalStore
{
    public Task<EntityState?> ReadAsync(EntityType type, string id, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = EntityRows.SelectById(type);
        EntityRows.Add(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? EntityRows.Read(type, reader) : null;
    }, cancellationToken);

    public Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, CancellationToken cancellationToken = default) =>
        ListByPortfolioAsync(type, portfolioId, null, int.MaxValue, cancellationToken);

    public Task<IReadOnlyList<EntityState>> ListByPortfolioAsync(EntityType type, string portfolioId, string? afterId, int limit, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<EntityState>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntityRows.Columns} FROM {type.Info().Table} WHERE portfolio_id = @pid AND deleted = 0 AND id > @after ORDER BY id LIMIT @limit";
        EntityRows.Add(command, "@pid", portfolioId);
        EntityRows.Add(command, "@after", afterId ?? "");
        EntityRows.Add(command, "@limit", (long)limit);
        return await EntityRows.ReadAllAsync(type, command, ct);
    }, cancellationToken);

    // No index on home_region: only a leaving region asks, a batch per heartbeat until none is left.
    public Task<IReadOnlyList<EntityState>> HomedInAsync(EntityType type, IReadOnlyCollection<string> homes, int limit, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<EntityState>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntityRows.Columns} FROM {type.Info().Table} WHERE home_region IN (SELECT peer FROM ({dialect.ListRows("@homes", "peer")}) AS homes) LIMIT @limit";
        EntityRows.Add(command, "@homes", dialect.ListValue(homes));
        EntityRows.Add(command, "@limit", (long)limit);
        return await EntityRows.ReadAllAsync(type, command, ct);
    }, cancellationToken);

    public Task<int> CountPortfoliosOwnedByAsync(string owner, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {EntityType.Portfolio.Info().Table} WHERE owner = @owner AND deleted = 0";
        EntityRows.Add(command, "@owner", owner);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }, cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> PendingForPeerAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<OutboxRow>>(async (connection, ct) =>
    {
        await using var command = PendingCommand(connection, s_pendingRows, peer, limit, after);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(EntityRows.ReadOutbox(reader));
        }

        return rows;
    }, cancellationToken);

    public Task<PendingSize> PendingSizeAsync(string peer, int limit, OutboxCursor? after = null, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = PendingCommand(connection, s_pendingSize, peer, limit, after);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new PendingSize(reader.GetInt32(0), reader.GetInt64(1));
    }, cancellationToken);

    private DbCommand PendingCommand(DbConnection connection, string sql, string peer, int limit, OutboxCursor? after)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        EntityRows.Add(command, "@peer", Peer(peer));
        EntityRows.Add(command, "@limit", limit);
        for (var priority = 0; priority <= s_lastPriority; priority++)
        {
            EntityRows.Add(command, $"@after{priority}", after?.After(priority) ?? 0);
        }

        return command;
    }

    private static readonly int s_lastPriority = EntityTypes.All.Max(t => t.Priority);

    /// <summary>
    /// (seq, priority) of a peer's next rows: per priority a range read of ix_sync_pending_next after the cursor's seq,
    /// each at most @limit rows. Rows of a priority no entity type has now (queued by an older release) come last, whatever the cursor.
    /// </summary>
    private static readonly string s_pendingNext =
        string.Join(" UNION ALL ", Enumerable.Range(0, s_lastPriority + 1).Select(priority =>
            $"SELECT seq, priority FROM (SELECT seq, priority FROM sync_pending WHERE peer = @peer AND priority = {priority} AND seq > @after{priority} ORDER BY seq LIMIT @limit) AS p{priority}")) +
        $" UNION ALL SELECT seq, priority FROM (SELECT seq, priority FROM sync_pending WHERE peer = @peer AND priority > {s_lastPriority} ORDER BY priority, seq LIMIT @limit) AS later";

    /// <summary>The first @limit of them in (priority, seq) order, whole.</summary>
    private static readonly string s_pendingRows =
        $"SELECT {string.Join(", ", EntityRows.OutboxColumns.Split(", ").Select(c => "q." + c))} FROM ({s_pendingNext}) AS p " +
        "JOIN sync_queue q ON q.seq = p.seq ORDER BY p.priority, p.seq LIMIT @limit";

    /// <summary>The first @limit of them counted, and their states' length summed.</summary>
    private static readonly string s_pendingSize =
        $"SELECT COUNT(*), COALESCE(SUM(q.bytes), 0) FROM (SELECT seq FROM ({s_pendingNext}) AS u ORDER BY priority, seq LIMIT @limit) AS p " +
        "JOIN sync_queue q ON q.seq = p.seq";

    public Task<Backlog> BacklogAsync(string peer, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT COUNT(*), COALESCE(SUM(q.bytes), 0), MIN(q.committed_at_ms), " +
            $"{dialect.LastOutboxSeq} FROM sync_pending p JOIN sync_queue q ON q.seq = p.seq WHERE p.peer = @peer";
        EntityRows.Add(command, "@peer", Peer(peer));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Backlog(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3));
    }, cancellationToken);

    public Task<long> PendingSpanAsync(string peer, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE({dialect.LastOutboxSeq} - (SELECT MIN(seq) FROM sync_pending WHERE peer = @peer) + 1, 0)";
        EntityRows.Add(command, "@peer", Peer(peer));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(long after, int limit, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<ConflictRecord>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT id, entity_type, entity_id, local_vector, remote_vector, local_payload, remote_payload, local_region, remote_region, winner, policy, detected_in, detected_at_ms " +
            "FROM sync_conflicts WHERE id > @after ORDER BY id LIMIT @limit";
        EntityRows.Add(command, "@after", after);
        EntityRows.Add(command, "@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<ConflictRecord>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ConflictRecord(reader.GetInt64(0), (EntityType)reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.GetInt64(12)));
        }

        return list;
    }, cancellationToken);

    public Task AckAsync(string peer, IReadOnlyList<long> seqs) => Writer.RunAsync(w =>
    {
        Peer(peer);
        var ids = dialect.ListValue(seqs);
        return w.ExecuteAll(
        [
            new SqlStatement($"DELETE FROM sync_pending WHERE peer = @peer AND {dialect.InList("seq", "@ids")}").Add("@peer", peer).Add("@ids", ids),
            new SqlStatement($"DELETE FROM sync_queue WHERE {dialect.InList("seq", "@ids")} AND {NoPeerNeeds}").Add("@ids", ids),
            new SqlStatement(
                "UPDATE sync_state SET last_ack_at_ms = @now, updated_at_ms = @now, watermark = COALESCE((SELECT MIN(seq) - 1 FROM sync_pending WHERE peer = @peer), " +
                $"{dialect.LastOutboxSeq}, 0) WHERE peer = @peer").Add("@now", NowMs).Add("@peer", peer),
        ]);
    }, urgent: true);

    /// <summary>A predicate on sync_queue rows: no peer still needs the row (ix_sync_pending_seq answers it).</summary>
    private const string NoPeerNeeds = "NOT EXISTS (SELECT 1 FROM sync_pending p WHERE p.seq = sync_queue.seq)";

    /// <summary>A read on a pooled connection of its own, asynchronous end to end (Npgsql's I/O is; SQLite's completes at once).</summary>
    private async Task<T> ReadOnlyAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return await read(connection, cancellationToken);
    }
}
