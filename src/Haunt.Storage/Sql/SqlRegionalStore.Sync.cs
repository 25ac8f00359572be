namespace Haunt.Storage.Sql;

// Reconciliation, peer state and metrics: the operator-facing side of the store.
public sealed partial class SqlRegionalStore
{
    public Task<long> ConflictCountAsync() => ReadOnly(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sync_conflicts";
        return (long)command.ExecuteScalar()!;
    });

    public Task<IReadOnlyList<VersionStamp>> VersionsAsync(EntityType type) => ReadOnly<IReadOnlyList<VersionStamp>>(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, version_vector, deleted FROM {type.Info().Table} ORDER BY id";
        using var reader = command.ExecuteReader();
        var list = new List<VersionStamp>();
        while (reader.Read())
        {
            list.Add(new VersionStamp(reader.GetString(0), VersionVector.Parse(reader.GetString(1)), reader.GetInt64(2) != 0));
        }

        return list;
    });

    public Task<IReadOnlyList<EntityState>> ReadManyAsync(EntityType type, IReadOnlyCollection<string> ids) => ReadOnly<IReadOnlyList<EntityState>>(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"{EntityRows.SelectMany(dialect, type)} ORDER BY id";
        EntityRows.Add(command, "@ids", dialect.ListValue(ids));
        using var reader = command.ExecuteReader();
        var list = new List<EntityState>();
        while (reader.Read())
        {
            list.Add(EntityRows.Read(type, reader));
        }

        return list;
    });

    public Task<IReadOnlyList<OutboxRow>> QueueAsync(string? peer, long afterSeq, int limit) => ReadOnly<IReadOnlyList<OutboxRow>>(connection =>
    {
        using var command = connection.CreateCommand();
        var filter = peer is null ? "" : $" AND {EntityRows.PendingColumn(peer)} = 1";
        command.CommandText = $"SELECT seq, operation, state, committed_at_ms, bytes FROM sync_queue WHERE seq > @after{filter} ORDER BY seq LIMIT @limit";
        EntityRows.Add(command, "@after", afterSeq);
        EntityRows.Add(command, "@limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<OutboxRow>();
        while (reader.Read())
        {
            rows.Add(EntityRows.ReadOutbox(reader));
        }

        return rows;
    });

    public Task<PeerState> PeerStateAsync(string peer) => ReadOnly(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.watermark, s.last_ack_at_ms, s.needs_snapshot, v.last_seq_applied, v.changes_applied " +
            "FROM sync_state s LEFT JOIN sync_versions v ON v.origin_region = s.peer WHERE s.peer = @peer";
        EntityRows.Add(command, "@peer", KnownRegions.Require(peer));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new PeerState(peer, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2) != 0,
                reader.IsDBNull(3) ? 0 : reader.GetInt64(3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4))
            : new PeerState(peer, 0, null, false, 0, 0);
    });

    public Task<long> ReleaseBacklogAsync(string peer) => Writer.RunAsync(w =>
    {
        var column = EntityRows.PendingColumn(peer);
        var affected = w.ExecuteAll(
        [
            new SqlStatement("UPDATE sync_state SET needs_snapshot = 1, updated_at_ms = @now WHERE peer = @peer").Add("@now", NowMs).Add("@peer", peer),
            new SqlStatement($"UPDATE sync_queue SET {column} = 0 WHERE {column} = 1"),
            new SqlStatement("DELETE FROM sync_queue WHERE pending_osaka = 0 AND pending_seoul = 0 AND pending_nyc = 0"),
        ]);
        return (long)affected[1];
    });

    public Task ClearNeedsSnapshotAsync(string peer) => Writer.RunAsync(w => w.Execute(
        new SqlStatement("UPDATE sync_state SET needs_snapshot = 0, updated_at_ms = @now WHERE peer = @peer")
            .Add("@now", NowMs).Add("@peer", KnownRegions.Require(peer))));

    public Task AppendMetricsAsync(long atMs, string metricsJson, long pruneBeforeMs) => Writer.RunAsync(w => w.ExecuteAll(
    [
        new SqlStatement("INSERT INTO node_metrics (region, recorded_at_ms, metrics) VALUES (@region, @at, @metrics)")
            .Add("@region", Region).Add("@at", atMs).Add("@metrics", metricsJson),
        new SqlStatement("DELETE FROM node_metrics WHERE recorded_at_ms < @before").Add("@before", pruneBeforeMs),
    ]));

    public Task<IReadOnlyList<MetricsRow>> MetricsAsync(long sinceMs, int limit) => ReadOnly<IReadOnlyList<MetricsRow>>(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, region, recorded_at_ms, metrics FROM node_metrics WHERE recorded_at_ms >= @since ORDER BY recorded_at_ms LIMIT @limit";
        EntityRows.Add(command, "@since", sinceMs);
        EntityRows.Add(command, "@limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<MetricsRow>();
        while (reader.Read())
        {
            rows.Add(new MetricsRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    });
}
