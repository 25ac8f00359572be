using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;
using Npgsql;

namespace Haunt.Tests.Storage;

/// <summary>What only a server can do to the writer: drop its session.</summary>
public sealed class PostgresWriterTests() : StoreTestsBase(StoreKind.Postgres)
{
    private static LocalWrite Insert(string id) => new(
        new EntityState(EntityType.Profile, id, KnownRegions.Osaka, V(1, 0, 0), new HybridTimestamp(1_700_000_000_001, 0), KnownRegions.Osaka, false, null,
            $"{{\"id\":\"{id}\",\"displayName\":\"x\",\"riskTolerance\":1}}"),
        SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task The_writer_reconnects_after_the_server_ends_its_session()
    {
        await using var temp = await OpenAsync();
        await temp.Store.CommitLocalAsync([Insert("before")]);

        Assert.Equal(1, await TerminateWriterAsync(temp));

        // The transaction that meets the dead connection fails (not acknowledged); a later one reconnects.
        var attempt = 0;
        await Eventually.WaitUntilAsync(async () =>
            (await temp.Store.CommitLocalAsync([Insert($"after-{++attempt}")])).Status == CommitStatus.Committed, "a commit after the session was ended");
        Assert.NotNull(await temp.Store.ReadAsync(EntityType.Profile, $"after-{attempt}"));
        Assert.Equal(1, await WriterSessionsAsync(temp)); // the new session is named again
    }

    /// <summary>Ends the writer's session (found by its application name), as a server restart or a network cut would.</summary>
    private static Task<int> TerminateWriterAsync(TempStore temp) => WriterSessionsAsync(temp, "COUNT(pg_terminate_backend(pid))");

    private static Task<int> WriterSessionsAsync(TempStore temp) => WriterSessionsAsync(temp, "COUNT(*)");

    private static async Task<int> WriterSessionsAsync(TempStore temp, string aggregate)
    {
        await using var connection = new NpgsqlConnection(temp.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT {aggregate} FROM pg_stat_activity WHERE application_name = @name", connection);
        command.Parameters.AddWithValue("name", Haunt.Storage.Postgres.PostgresDialect.WriterApplicationName(temp.Location));
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
