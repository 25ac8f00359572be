using Haunt.Tests.Cluster;

namespace Haunt.Tests.Replication;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteDeltaReplicationTests(SqliteCluster cluster) : DeltaReplicationTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDeltaReplicationTests(PostgresCluster cluster) : DeltaReplicationTests(cluster);

/// <summary>
/// Strategies of several KB, updated a tick at a time, across three real clusters on real stores (issue 22): updates go
/// as deltas, every region ends with the writer's bytes, a region that holds another version refuses the delta and the
/// conflict is logged with both whole states, and lossy links lose nothing.
/// </summary>
public abstract class DeltaReplicationTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>The strategy one tick after <paramref name="last"/> (its first version when null).</summary>
    private static Strategy Next(string id, Strategy? last, Random random) => new(id, "p-delta", "mean reversion", "{}", true,
        last?.Document?.Observe(3000 + random.Next(100), DateTimeOffset.UtcNow, random) ?? StrategyDocument.Start("ETH", 3000, DateTimeOffset.UtcNow, random));

    private async Task<EntityState> SameEverywhereAsync(string id, string? payload = null)
    {
        EntityState? agreed = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            var states = await Task.WhenAll(fixture.Regions.All.Select(r => fixture.Store(r).ReadAsync(EntityType.Strategy, id)));
            agreed = states[0];
            return states.All(s => s is not null && s == states[0]) && (payload is null || states[0]!.Payload == payload);
        }, $"strategy {id} is the same bytes in every region");
        return agreed!;
    }

    private (long Sent, long Applied, long Refused, long Fallbacks) Deltas() => (
        fixture.Regions.All.Sum(r => Interlocked.Read(ref fixture.Metrics(r).DeltasSent)),
        fixture.Regions.All.Sum(r => Interlocked.Read(ref fixture.Metrics(r).DeltasApplied)),
        fixture.Regions.All.Sum(r => Interlocked.Read(ref fixture.Metrics(r).DeltasRefused)),
        fixture.Regions.All.Sum(r => Interlocked.Read(ref fixture.Metrics(r).DeltaFallbacks)));

    [SkippableFact]
    public async Task Tick_by_tick_updates_go_as_deltas_and_every_region_holds_the_writers_bytes()
    {
        var id = NewId();
        var random = new Random(7);
        var strategy = Next(id, null, random);
        var grain = fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id);
        await grain.PutAsync(strategy);
        await SameEverywhereAsync(id);
        var before = Deltas();

        for (var tick = 0; tick < 10; tick++)
        {
            strategy = Next(id, strategy, random);
            await grain.PutAsync(strategy);
        }

        var written = await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, id);
        Assert.True(written!.Payload.Length > 6000, $"a strategy is several KB ({written.Payload.Length} bytes)");
        await SameEverywhereAsync(id, written.Payload);
        var after = Deltas();
        Assert.True(after.Sent - before.Sent >= 2, $"updates went as deltas ({after.Sent - before.Sent})");
        Assert.True(after.Applied - before.Applied >= 2, $"the peers made them whole ({after.Applied - before.Applied})");
        Assert.Equal(before.Refused, after.Refused);
    }

    [SkippableFact]
    public async Task A_delta_meeting_a_concurrent_version_is_refused_and_the_conflict_is_logged_with_both_whole_states()
    {
        var id = NewId();
        var random = new Random(8);
        var first = Next(id, null, random);
        await fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id).PutAsync(first);
        await SameEverywhereAsync(id);
        await fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id).PutAsync(Next(id, first, random)); // the peers hold it as the base
        var @base = await SameEverywhereAsync(id);
        var before = Deltas();

        fixture.Cut(KnownRegions.Osaka, KnownRegions.Seoul);
        string osakas, seouls;
        try
        {
            var held = StateJson.Deserialize<Strategy>(@base.Payload);
            await fixture.Grain<IStrategyGrain>(KnownRegions.Osaka, id).PutAsync(Next(id, held, random));
            await fixture.Grain<IStrategyGrain>(KnownRegions.Seoul, id).PutAsync(Next(id, held, random) with { Name = "seoul's edit" });
            osakas = (await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Strategy, id))!.Payload;
            seouls = (await fixture.Store(KnownRegions.Seoul).ReadAsync(EntityType.Strategy, id))!.Payload;
        }
        finally
        {
            fixture.HealAll();
        }

        await SameEverywhereAsync(id);
        var after = Deltas();
        Assert.True(after.Refused > before.Refused, "a region that held the other side's version refused its delta");
        Assert.True(after.Fallbacks > before.Fallbacks, "and got that change whole");
        foreach (var region in fixture.Regions.All)
        {
            await Eventually.WaitUntilAsync(async () => (await fixture.Store(region).ConflictsAsync(0, 100_000)).Any(c => c.EntityId == id), $"{region} logged the pair");
            var conflict = (await fixture.Store(region).ConflictsAsync(0, 100_000)).Single(c => c.EntityId == id);
            Assert.Equal(new[] { osakas, seouls }.Order(StringComparer.Ordinal), new[] { conflict.LocalPayload, conflict.RemotePayload }.Order(StringComparer.Ordinal));
        }
    }

    [SkippableFact]
    public async Task Lossy_links_with_large_entities_lose_nothing_and_merge_nothing_wrong()
    {
        var lossy = new LinkFault { DropRate = 0.2, DuplicateRate = 0.2, CorruptRate = 0.1, MaxDelay = TimeSpan.FromMilliseconds(30) };
        var ids = fixture.Regions.All.ToDictionary(r => r, _ => Enumerable.Range(0, 3).Select(_ => NewId()).ToList());
        var last = new Dictionary<string, Strategy>();
        var random = new Random(9);
        foreach (var from in fixture.Regions.All)
        {
            foreach (var to in fixture.Regions.All.Where(r => r != from))
            {
                fixture.Fault(from, to, lossy);
            }
        }

        try
        {
            for (var tick = 0; tick < 8; tick++)
            {
                foreach (var (region, owned) in ids)
                {
                    foreach (var id in owned)
                    {
                        last[id] = Next(id, last.GetValueOrDefault(id), random);
                        await fixture.Grain<IStrategyGrain>(region, id).PutAsync(last[id]);
                    }
                }

                await Task.Delay(50); // writes spread over the lossy period, not one burst
            }
        }
        finally
        {
            fixture.HealAll();
        }

        foreach (var (region, owned) in ids)
        {
            foreach (var id in owned)
            {
                var written = await fixture.Store(region).ReadAsync(EntityType.Strategy, id);
                Assert.Equal(StateJson.Serialize(last[id]), written!.Payload); // the last write of its region
                await SameEverywhereAsync(id, written.Payload);
            }
        }
    }
}
