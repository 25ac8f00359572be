namespace Haunt.Storage.Sql;

// The change feed (010_change_feed): a row per stored change, written in the transaction that stores it (a local
// commit or an applied batch), read by seq, pruned by age.
public sealed partial class SqlRegionalStore
{
    private const string FeedColumns = "seq, operation, origin_region, committed_at_ms, state";

    public Task<FeedPage> ChangesAsync(FeedQuery query, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        // The bound first: every change up to it is committed (one writer at a time, or the feed lock), so a read
        // that found fewer than its limit has seen everything up to the bound, and the next one starts there.
        await using var latest = connection.CreateCommand();
        latest.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM change_feed";
        var bound = Convert.ToInt64(await latest.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        await using var command = connection.CreateCommand();
        var filters = new List<string> { "seq > @after", "seq <= @bound" };
        if (query.Types is { Count: > 0 } types)
        {
            filters.Add(dialect.InList("entity_type", "@types"));
            EntityRows.Add(command, "@types", dialect.ListValue(types.Select(t => (long)t).ToArray()));
        }

        if (query.PortfolioId is { } portfolio)
        {
            filters.Add("portfolio_id = @portfolio");
            EntityRows.Add(command, "@portfolio", portfolio);
        }

        if (query.Owner is { } owner)
        {
            filters.Add($"portfolio_id IN (SELECT id FROM {EntityType.Portfolio.Info().Table} WHERE owner = @owner)");
            EntityRows.Add(command, "@owner", owner);
        }

        command.CommandText = $"SELECT {FeedColumns} FROM change_feed WHERE {string.Join(" AND ", filters)} ORDER BY seq LIMIT @limit";
        EntityRows.Add(command, "@after", query.AfterSeq);
        EntityRows.Add(command, "@bound", bound);
        EntityRows.Add(command, "@limit", (long)query.Limit);
        var changes = new List<FeedChange>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new FeedChange(reader.GetInt64(0), (SyncOperation)reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3),
                StateJson.Deserialize<EntityState>(reader.GetString(4))));
        }

        return new FeedPage(changes, changes.Count == query.Limit ? changes[^1].Seq : Math.Max(bound, query.AfterSeq));
    }, cancellationToken);

    public Task<FeedBounds> FeedBoundsAsync(CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE((SELECT through_seq FROM change_feed_pruned WHERE id = 1), 0), COALESCE((SELECT MAX(seq) FROM change_feed), 0)";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var pruned = reader.GetInt64(0);
        return new FeedBounds(pruned, Math.Max(pruned, reader.GetInt64(1))); // pruned empty, the latest is the last pruned
    }, cancellationToken);

    // By seq: the last change committed before the cutoff and everything before it, so that what stays is every change
    // after one seq (a clock step back could otherwise leave an older change behind a pruned one).
    public Task<long> PruneFeedAsync(long committedBeforeMs) => Writer.RunAsync(w =>
    {
        if (w.Scalar(new SqlStatement("SELECT MAX(seq) FROM change_feed WHERE committed_at_ms < @before").Add("@before", committedBeforeMs)) is not long through)
        {
            return 0L;
        }

        var removed = w.ExecuteAll([
            new SqlStatement("DELETE FROM change_feed WHERE seq <= @through").Add("@through", through),
            new SqlStatement("INSERT INTO change_feed_pruned (id, through_seq) VALUES (1, @through) " +
                $"ON CONFLICT (id) DO UPDATE SET through_seq = {dialect.Greatest}(change_feed_pruned.through_seq, excluded.through_seq)").Add("@through", through),
        ]);
        return (long)removed[0];
    });

    public Task SaveCheckpointAsync(string group, long seq, CancellationToken cancellationToken = default) => Writer.RunAsync(w =>
        w.Execute(new SqlStatement("INSERT INTO change_checkpoints (consumer_group, seq, updated_at_ms) VALUES (@group, @seq, @now) " +
                "ON CONFLICT (consumer_group) DO UPDATE SET seq = excluded.seq, updated_at_ms = excluded.updated_at_ms")
            .Add("@group", group).Add("@seq", seq).Add("@now", NowMs)));

    public async Task<FeedCheckpoint?> CheckpointAsync(string group, CancellationToken cancellationToken = default) =>
        (await CheckpointRowsAsync("consumer_group = @group", group, 1, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<FeedCheckpoint>> CheckpointsAsync(string prefix, int limit, CancellationToken cancellationToken = default) =>
        CheckpointRowsAsync("consumer_group >= @group AND consumer_group < @end", prefix, limit, cancellationToken);

    public Task<FeedLag> LagAfterAsync(long seq, CancellationToken cancellationToken = default) =>
        ReadOnlyAsync((connection, ct) => LagAfterAsync(connection, seq, ct), cancellationToken);

    public Task<FeedGroupsLag> FeedGroupsLagAsync(long stuckBeforeMs, CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN updated_at_ms < @before AND seq < (SELECT COALESCE(MAX(seq), 0) FROM change_feed) THEN 1 ELSE 0 END), 0), " +
            "MIN(seq) FROM change_checkpoints";
        EntityRows.Add(command, "@before", stuckBeforeMs);
        long groups, stuck;
        long? lowest;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (groups, stuck, lowest) = (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        return new FeedGroupsLag(groups, stuck, lowest is { } seq ? await LagAfterAsync(connection, seq, ct) : new FeedLag(0, null));
    }, cancellationToken);

    // Seqs after the reader's rather than a COUNT: the feed holds a day of changes, and a group a day behind must not
    // cost a scan of all of them every time the sync loop records its metrics.
    private static async Task<FeedLag> LagAfterAsync(System.Data.Common.DbConnection connection, long seq, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0), (SELECT committed_at_ms FROM change_feed WHERE seq > @seq ORDER BY seq LIMIT 1) FROM change_feed";
        EntityRows.Add(command, "@seq", seq);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new FeedLag(Math.Max(0, reader.GetInt64(0) - seq), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    private Task<IReadOnlyList<FeedCheckpoint>> CheckpointRowsAsync(string where, string group, int limit, CancellationToken cancellationToken) =>
        ReadOnlyAsync<IReadOnlyList<FeedCheckpoint>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT consumer_group, seq, updated_at_ms FROM change_checkpoints WHERE {where} ORDER BY consumer_group LIMIT @limit";
            EntityRows.Add(command, "@group", group);
            EntityRows.Add(command, "@end", group + char.MaxValue);
            EntityRows.Add(command, "@limit", (long)limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<FeedCheckpoint>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new FeedCheckpoint(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return rows;
        }, cancellationToken);

    /// <summary>The feed rows of stored states, after the feed lock where the engine needs one.</summary>
    private IEnumerable<SqlStatement> AppendFeed(IEnumerable<(EntityState State, SyncOperation Operation, string Json)> changes, long now)
    {
        var rows = FeedRows(changes, now);
        return rows.Count > 0 ? [.. FeedLock, .. rows] : rows;
    }

    /// <summary>The feed lock's statement where the engine needs one (PostgreSQL: two silos of a region commit at once), else none.</summary>
    private SqlStatement[] FeedLock => dialect.FeedLock is { } feedLock ? [new SqlStatement(feedLock)] : [];

    /// <summary>The feed rows of stored states, for a job that holds the feed lock already.</summary>
    private List<SqlStatement> FeedRows(IEnumerable<(EntityState State, SyncOperation Operation, string Json)> changes, long now)
    {
        return changes.Select(c => new SqlStatement(
                "INSERT INTO change_feed (entity_type, entity_id, portfolio_id, operation, version_vector, origin_region, committed_at_ms, state) " +
                "VALUES (@type, @id, @portfolio, @op, @vector, @origin, @now, @state)")
            .Add("@type", (int)c.State.Type)
            .Add("@id", c.State.Id)
            .Add("@portfolio", c.State.PortfolioId ?? (c.State.Type == EntityType.Portfolio ? c.State.Id : null))
            .Add("@op", (int)c.Operation)
            .Add("@vector", c.State.Vector.ToString())
            .Add("@origin", c.State.ModifiedBy)
            .Add("@now", now)
            .Add("@state", c.Json)).ToList();
    }
}
