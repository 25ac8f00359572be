using Haunt.Tests.Cluster;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteConflictTests(SqliteCluster cluster) : ConflictTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresConflictTests(PostgresCluster cluster) : ConflictTests(cluster);

public abstract class ConflictTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private async Task<IReadOnlyList<ConflictRecord>> ConflictsFor(string region, string id) =>
        (await fixture.Store(region).ConflictsAsync(0, 100_000)).Where(c => c.EntityId == id).ToList();

    private async Task<EntityState> ConvergedStateAsync(EntityType type, string id)
    {
        EntityState? agreed = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            var states = await Task.WhenAll(KnownRegions.All.Select(r => fixture.Store(r).ReadAsync(type, id)));
            agreed = states[0];
            return states.All(s => s is not null && s == states[0]);
        }, $"{type} {id} is identical in all regions");
        return agreed!;
    }

    [SkippableFact]
    public async Task Concurrent_profile_writes_converge_and_record_one_conflict_per_region()
    {
        var id = NewId();
        await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "original", null, 1));
        await fixture.ReplicatedAsync(EntityType.Profile, id);

        fixture.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        try
        {
            await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "osaka edit", null, 2));
            await fixture.Grain<IProfileGrain>(KnownRegions.Nyc, id).PutAsync(new Profile(id, "nyc edit", null, 3));
        }
        finally
        {
            fixture.HealAll();
        }

        var final = await ConvergedStateAsync(EntityType.Profile, id);
        Assert.Equal(V(2, 0, 1), final.Vector);
        Assert.Equal("nyc edit", StateJson.Deserialize<Profile>(final.Payload).DisplayName); // the later HLC wins
        foreach (var region in KnownRegions.All)
        {
            await Eventually.WaitUntilAsync(async () => (await ConflictsFor(region, id)).Count == 1, $"{region} logged the pair");
            var conflict = Assert.Single(await ConflictsFor(region, id));
            Assert.Equal("last-writer-wins", conflict.Policy);
            Assert.Equal(KnownRegions.Nyc, conflict.Winner);
            Assert.Equal(region, conflict.DetectedIn);
            Assert.Equal(new[] { V(1, 0, 1).ToString(), V(2, 0, 0).ToString() }.Order(StringComparer.Ordinal), new[] { conflict.LocalVector, conflict.RemoteVector }.Order(StringComparer.Ordinal));
            Assert.Equal("nyc edit", (await fixture.Grain<IProfileGrain>(region, id).GetAsync())!.DisplayName);
        }
    }

    [SkippableFact]
    public async Task Strategy_written_with_nyc_clock_5s_ahead_follows_last_writer_wins_by_hlc()
    {
        var id = NewId();
        var strategy = new Strategy(id, "p-1", "grid", "{}", true);
        await fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id).PutAsync(strategy);
        var before = await fixture.ReplicatedAsync(EntityType.Strategy, id);

        fixture.Skew(KnownRegions.Nyc, TimeSpan.FromSeconds(5));
        fixture.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        try
        {
            // nyc writes first in real time, but its clock reads 5 s ahead: by HLC it is the later write.
            await fixture.Grain<IStrategyGrain>(KnownRegions.Nyc, id).PutAsync(strategy with { Name = "nyc (clock ahead)" });
            await fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id).PutAsync(strategy with { Name = "osaka (later, slower clock)" });
        }
        finally
        {
            fixture.HealAll();
            fixture.Skew(KnownRegions.Nyc, TimeSpan.Zero);
        }

        var final = await ConvergedStateAsync(EntityType.Strategy, id);
        Assert.Equal("nyc (clock ahead)", StateJson.Deserialize<Strategy>(final.Payload).Name);
        Assert.Equal(VectorOrder.Newer, final.Vector.Compare(before.Vector)); // versions only go up
        Assert.Equal(V(2, 0, 1), final.Vector);
        foreach (var region in KnownRegions.All)
        {
            await Eventually.WaitUntilAsync(async () => (await ConflictsFor(region, id)).Count == 1, $"{region} logged the pair");
        }
    }

    [SkippableFact]
    public async Task Trades_inserted_concurrently_in_all_three_regions_union_everywhere_without_conflicts()
    {
        var shared = NewId();
        var ids = KnownRegions.All.ToDictionary(r => r, _ => NewId());
        var trade = (Trade)SampleEntities.Create(EntityType.Trade, shared);
        fixture.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        try
        {
            await Task.WhenAll(ids.Select(p => fixture.WriteAsync(p.Key, trade with { Id = p.Value })));
            // The same trade id recorded in two regions at once is the same record: a union, not a conflict.
            await Task.WhenAll(fixture.WriteAsync(KnownRegions.Osaka, trade), fixture.WriteAsync(KnownRegions.Nyc, trade));
        }
        finally
        {
            fixture.HealAll();
        }

        foreach (var id in ids.Values.Append(shared))
        {
            await ConvergedStateAsync(EntityType.Trade, id);
            foreach (var region in KnownRegions.All)
            {
                Assert.Empty(await ConflictsFor(region, id));
            }
        }
    }

    [SkippableFact]
    public async Task Delete_in_seoul_versus_update_in_nyc_follows_the_policy_and_never_resurrects()
    {
        var id = NewId();
        await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "to be deleted", null, 1));
        await fixture.ReplicatedAsync(EntityType.Profile, id);

        fixture.Cut(KnownRegions.Seoul, KnownRegions.Nyc);
        EntityState nycUpdate;
        try
        {
            nycUpdate = await fixture.Grain<IProfileGrain>(KnownRegions.Nyc, id).PutAsync(new Profile(id, "nyc update", null, 2));
            await fixture.Grain<IProfileGrain>(KnownRegions.Seoul, id).DeleteAsync(); // later by HLC: the delete wins
        }
        finally
        {
            fixture.HealAll();
        }

        var final = await ConvergedStateAsync(EntityType.Profile, id);
        Assert.True(final.Deleted);
        foreach (var region in KnownRegions.All)
        {
            Assert.Null(await fixture.Grain<IProfileGrain>(region, id).GetAsync());
            await Eventually.WaitUntilAsync(async () => (await ConflictsFor(region, id)).Count == 1, $"{region} logged delete vs update");
        }

        // A late redelivery of nyc's update must not bring the profile back.
        var late = await fixture.Store(KnownRegions.Osaka).ApplyRemoteAsync(KnownRegions.Nyc,
            [new ChangeItem(1, SyncOperation.Update, nycUpdate, 0)], ConflictResolver.Instance);
        Assert.Empty(late.Stored);
        Assert.True((await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Profile, id))!.Deleted);
    }
}
