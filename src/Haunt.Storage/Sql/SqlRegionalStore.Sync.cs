namespace Haunt.Storage.Sql;

// Reconciliation, peer state and metrics: the operator-facing side of the store.
public sealed partial class SqlRegionalStore
{
    public Task<long> ConflictCountAsync(CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sync_conflicts";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }, cancellationToken);

    public Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<VersionStamp>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, version_vector, deleted FROM {type.Info().Table} ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<VersionStamp>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new VersionStamp(reader.GetString(0), VersionVector.Parse(reader.GetString(1)), reader.GetInt64(2) != 0));
        }

        return list;
    }, cancellationToken);

    public Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<EntityState>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"{EntityRows.SelectMany(dialect, type)} ORDER BY id";
        EntityRows.Add(command, "@ids", dialect.ListValue(ids));
        return await EntityRows.ReadAllAsync(type, command, ct);
    }, cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<OutboxRow>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        var filter = peer is null ? "" : " AND EXISTS (SELECT 1 FROM sync_pending p WHERE p.peer = @peer AND p.seq = sync_queue.seq)";
        command.CommandText = $"SELECT {EntityRows.OutboxColumns} FROM sync_queue WHERE seq > @after{filter} ORDER BY seq LIMIT @limit";
        EntityRows.Add(command, "@after", afterSeq);
        EntityRows.Add(command, "@limit", limit);
        if (peer is not null)
        {
            EntityRows.Add(command, "@peer", Peer(peer));
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(EntityRows.ReadOutbox(reader));
        }

        return rows;
    }, cancellationToken);

    public Task<PeerState> PeerStateAsync(string peer, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.watermark, s.last_ack_at_ms, s.needs_snapshot, v.last_seq_applied, v.changes_applied " +
            "FROM sync_state s LEFT JOIN sync_versions v ON v.origin_region = s.peer WHERE s.peer = @peer";
        EntityRows.Add(command, "@peer", Peer(peer));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new PeerState(peer, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2) != 0,
                reader.IsDBNull(3) ? 0 : reader.GetInt64(3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4))
            : new PeerState(peer, 0, null, false, 0, 0);
    }, cancellationToken);

    public Task<long> ReleaseBacklogAsync(string peer) => Writer.RunAsync(w =>
    {
        Peer(peer);
        var affected = w.ExecuteAll(
        [
            new SqlStatement("UPDATE sync_state SET needs_snapshot = 1, updated_at_ms = @now WHERE peer = @peer").Add("@now", NowMs).Add("@peer", peer),
            new SqlStatement("DELETE FROM sync_pending WHERE peer = @peer").Add("@peer", peer),
            new SqlStatement($"DELETE FROM sync_queue WHERE {NoPeerNeeds}"),
        ]);
        return (long)affected[1];
    });

    public Task ClearNeedsSnapshotAsync(string peer) => Writer.RunAsync(w => w.Execute(
        new SqlStatement("UPDATE sync_state SET needs_snapshot = 0, updated_at_ms = @now WHERE peer = @peer")
            .Add("@now", NowMs).Add("@peer", Peer(peer))));

    public Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs) => Writer.RunAsync(w => w.ExecuteAll(
    [
        new SqlStatement("INSERT INTO node_metrics (region, recorded_at_ms, metrics) VALUES (@region, @at, @metrics)")
            .Add("@region", Region).Add("@at", atMs).Add("@metrics", metricsJson),
        new SqlStatement("DELETE FROM node_metrics WHERE recorded_at_ms < @before").Add("@before", pruneBeforeMs),
    ]));

    public Task<long> PruneConflictsAsync(long detectedBeforeMs) => Writer.RunAsync(w =>
        (long)w.Execute(new SqlStatement("DELETE FROM sync_conflicts WHERE detected_at_ms < @before").Add("@before", detectedBeforeMs)));

    public Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit, CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<MetricsRow>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, region, recorded_at_ms, metrics FROM node_metrics WHERE recorded_at_ms >= @since ORDER BY recorded_at_ms LIMIT @limit";
        EntityRows.Add(command, "@since", sinceMs);
        EntityRows.Add(command, "@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<MetricsRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new MetricsRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    }, cancellationToken);
}
