using System.Text.Json;

namespace Haunt.Storage.Sql;

// The agreed membership (sync_membership, one row) and the peers the outbox queues for (sync_state, one row per peer).
public sealed partial class SqlRegionalStore
{
    public Task<StoredMembership?> MembershipAsync(CancellationToken cancellationToken = default) => ReadOnlyAsync<StoredMembership?>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record, serving FROM sync_membership WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredMembership(JsonSerializer.Deserialize<Membership>(reader.GetString(0), JsonSerializerOptions.Web)!, reader.GetInt64(1) != 0)
            : null;
    }, cancellationToken);

    public Task SaveMembershipAsync(Membership membership, bool serving) => Writer.RunAsync(w =>
    {
        if (w.Scalar(new SqlStatement("SELECT version FROM sync_membership WHERE id = 1")) is { } stored
            && Convert.ToInt64(stored, System.Globalization.CultureInfo.InvariantCulture) > membership.Version)
        {
            return 0; // an older version than the one adopted: nothing changes
        }

        var now = NowMs;
        // A region that left has no peers: nothing more is queued here for anyone.
        var peers = membership.Includes(Region) ? membership.Regions.Where(r => r != Region).ToArray() : [];
        return w.ExecuteAll(
        [
            new SqlStatement("INSERT INTO sync_membership (id, version, record, serving, updated_at_ms) VALUES (1, @version, @record, @serving, @now) " +
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, record = excluded.record, serving = excluded.serving, updated_at_ms = excluded.updated_at_ms")
                .Add("@version", membership.Version)
                .Add("@record", JsonSerializer.Serialize(membership, JsonSerializerOptions.Web))
                .Add("@serving", serving ? 1 : 0)
                .Add("@now", now),
            // A region the membership does not name any more (a configured set edited before any agreed change) is no
            // peer: nothing is queued for it, and what was queued only for it goes.
            new SqlStatement($"DELETE FROM sync_state WHERE peer NOT IN (SELECT peer FROM ({dialect.ListRows("@peers", "peer")}) AS peers)")
                .Add("@peers", dialect.ListValue(peers)),
            new SqlStatement($"DELETE FROM sync_pending WHERE peer NOT IN (SELECT peer FROM ({dialect.ListRows("@peers", "peer")}) AS peers)")
                .Add("@peers", dialect.ListValue(peers)),
            new SqlStatement($"DELETE FROM sync_queue WHERE {NoPeerNeeds}"),
            // WHERE keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
            new SqlStatement("INSERT INTO sync_state (peer, watermark, needs_snapshot, updated_at_ms) " +
                    $"SELECT peer, 0, 0, @now FROM ({dialect.ListRows("@peers", "peer")}) AS peers WHERE 1 = 1 ON CONFLICT (peer) DO NOTHING")
                .Add("@now", now)
                .Add("@peers", dialect.ListValue(peers)),
        ]).Length;
    }, urgent: true);
}
