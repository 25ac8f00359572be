using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;
using Npgsql;

namespace Haunt.Tests.Storage;

/// <summary>What only a server can do to the writer: drop its session.</summary>
public sealed class PostgresWriterTests() : StoreTestsBase(StoreKind.Postgres)
{
    private static LocalWrite Insert(string id) => new(
        new EntityState(EntityType.Profile, id, KnownRegions.Osaka, new VersionVector(1, 0, 0), new HybridTimestamp(1_700_000_000_001, 0), KnownRegions.Osaka, false, null,
            $"{{\"id\":\"{id}\",\"displayName\":\"x\",\"riskTolerance\":1}}"),
        SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task The_writer_reconnects_and_claims_its_region_again_after_the_server_ends_its_session()
    {
        await using var temp = await OpenAsync();
        await temp.Store.CommitLocalAsync([Insert("before")]);

        Assert.Equal(1, await TerminateWriterAsync(temp));

        // The transaction that meets the dead connection fails (not acknowledged); a later one reconnects.
        var attempt = 0;
        await Eventually.WaitUntilAsync(async () =>
            (await temp.Store.CommitLocalAsync([Insert($"after-{++attempt}")])).Status == CommitStatus.Committed, "a commit after the session was ended");
        Assert.NotNull(await temp.Store.ReadAsync(EntityType.Profile, $"after-{attempt}"));
        await using var second = temp.OpenSecond();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync());
        Assert.Contains("another process already writes", refused.Message); // the claim came back with the session
    }

    /// <summary>Ends the session holding this store's writer lock, as a server restart or a network cut would.</summary>
    private static async Task<int> TerminateWriterAsync(TempStore temp)
    {
        await using var connection = new NpgsqlConnection(temp.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "WITH k AS (SELECT hashtext(@key)::bigint AS key) " +
            "SELECT COUNT(pg_terminate_backend(l.pid)) FROM pg_locks l, k WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 " +
            "AND l.objid = (k.key & 4294967295)::oid AND l.classid = ((k.key >> 32) & 4294967295)::oid", connection);
        command.Parameters.AddWithValue("key", "haunt.writer." + temp.Location);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
