using Haunt.Tests.Dialects;

namespace Haunt.Tests.Storage;

public sealed class SqliteStoreTests() : RegionalStoreTests(StoreKind.Sqlite);

public sealed class PostgresStoreTests() : RegionalStoreTests(StoreKind.Postgres);

/// <summary>
/// What only a SQL store has, run against each engine: a file or schema that outlives the process. The behaviour
/// every store shares, the in-memory one included, is in <see cref="RegionalStoreContract"/>.
/// </summary>
public abstract class RegionalStoreTests(StoreKind kind) : StoreTestsBase(kind)
{
    private static EntityState State(EntityType type, string id, VersionVector vector, string region = KnownRegions.Osaka, bool deleted = false) =>
        new(type, id, region, vector, new HybridTimestamp(1_700_000_000_000 + vector.Sum, 0), region, deleted, null, $"{{\"id\":\"{id}\"}}");

    private static LocalWrite Insert(EntityType type, string id) => new(State(type, id, new VersionVector(1, 0, 0)), SyncOperation.Insert, 0);

    [SkippableFact]
    public async Task Schema_scripts_apply_once_so_reopening_keeps_data()
    {
        await using var temp = await OpenAsync(KnownRegions.Nyc);
        await temp.Store.CommitLocalAsync([Insert(EntityType.Profile, "kept")]);

        await temp.ReopenAsync();

        Assert.NotNull(await temp.Store.ReadAsync(EntityType.Profile, "kept"));
        Assert.Single(await temp.Store.PendingForPeerAsync(KnownRegions.Osaka, 10));
    }
}
