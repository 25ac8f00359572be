using Haunt.Tests.Cluster;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteReconciliationTests(SqliteCluster cluster) : ReconciliationTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresReconciliationTests(PostgresCluster cluster) : ReconciliationTests(cluster);

public abstract class ReconciliationTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private void Tamper(string region, string sql)
    {
        using var connection = fixture.OpenStoreConnection(region);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [SkippableFact]
    public async Task Drift_made_directly_in_one_store_is_repaired_by_reconciliation()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
        foreach (var id in ids)
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "v1", null, 1));
            await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "v2", null, 2));
        }

        var written = DateTimeOffset.UtcNow;
        foreach (var id in ids)
        {
            await fixture.ReplicatedAsync(EntityType.Profile, id);
        }

        // Replication paused for nyc; its store loses one row and rolls another back behind the others.
        fixture.Cut(KnownRegions.Nyc, KnownRegions.Osaka);
        fixture.Cut(KnownRegions.Nyc, KnownRegions.Seoul);
        try
        {
            Tamper(KnownRegions.Nyc, $"DELETE FROM profiles WHERE id = '{ids[0]}'");
            // The row as a store restored from an older backup holds it, stamp hash included (a hand edit that leaves the
            // hash behind is seen when the store opens next: RegionalStoreTests).
            Tamper(KnownRegions.Nyc, $"UPDATE profiles SET version_vector = '1.0.0', version = 1, stamp_hash = {StampHash.Of(ids[1], V(1, 0, 0), false)}, " +
                $"payload = '{{\"id\":\"{ids[1]}\",\"displayName\":\"v1\",\"riskTolerance\":1}}' WHERE id = '{ids[1]}'");
            Assert.NotEqual((await fixture.Store(KnownRegions.Osaka).DigestAsync()).Overall, (await fixture.Store(KnownRegions.Nyc).DigestAsync()).Overall);
        }
        finally
        {
            fixture.HealAll();
        }

        // A routine round leaves states younger than the grace to the live path: these were written just now.
        await Eventually.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow - written > HauntSiloConfigurator.InFlightGrace),
            "the rows are older than the in-flight grace");
        var started = await fixture.GrainsOf(KnownRegions.Nyc).GetGrain<ISyncQueueGrain>(KnownRegions.Nyc).ReconcileAsync();
        Assert.Equal(2, started.Peers.Count);

        await fixture.ConvergedAsync();
        foreach (var id in ids)
        {
            var state = await fixture.Store(KnownRegions.Nyc).ReadAsync(EntityType.Profile, id);
            Assert.Equal(V(2, 0, 0), state!.Vector);
            Assert.Equal("v2", StateJson.Deserialize<Profile>(state.Payload).DisplayName);
        }
    }
}
