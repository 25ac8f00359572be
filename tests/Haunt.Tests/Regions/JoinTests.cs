using System.Collections.Concurrent;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

/// <summary>A deployment of the default three that a test grows: a fixture of its own, so no other test sees the fourth region.</summary>
public sealed class SqliteJoinCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresJoinCluster() : ClusterFixture(StoreKind.Postgres);

public sealed class SqliteJoinTests(SqliteJoinCluster cluster) : JoinTests(cluster), IClassFixture<SqliteJoinCluster>;

public sealed class PostgresJoinTests(PostgresJoinCluster cluster) : JoinTests(cluster), IClassFixture<PostgresJoinCluster>;

/// <summary>
/// Issue 21, item 5, on real clusters: a region started empty (Haunt:Join) is refused at every door until the
/// others agree to add it, then catches up from a donor and by repair against all, serves only then, and ends with
/// every acknowledged write exactly once, like the others.
/// </summary>
public abstract class JoinTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const string Newcomer = "frankfurt";

    [SkippableFact]
    public async Task Issue_21_a_fourth_region_added_under_steady_writes_holds_every_acknowledged_write_once_and_serves_only_caught_up()
    {
        var primary = fixture.Regions.Primary;
        var acked = new ConcurrentDictionary<string, ConcurrentBag<EntityState>>();
        var unsure = new ConcurrentDictionary<string, bool>();
        using var stop = new CancellationTokenSource();
        var writers = fixture.Regions.All.Select(region => WriteSteadilyAsync(region, acked, unsure, stop.Token)).ToList();
        await Eventually.WaitUntilAsync(() => Task.FromResult(acked.Values.Sum(b => b.Count) >= 60), "writes acknowledged in the three regions");

        await fixture.StartJoiningAsync(Newcomer);
        var newcomer = fixture.Services(Newcomer).GetRequiredService<SiloRegion>();
        // Not a member yet: the others' doors turn its clients away, and it serves nothing.
        await Eventually.WaitUntilAsync(() => Task.FromResult(fixture.Door(primary).Refused.GetValueOrDefault("NotAllowed") > 0), "osaka's door refused the newcomer");
        Assert.False(newcomer.Serving);
        Assert.Equal(0, (await fixture.Store(Newcomer).DigestAsync()).Entities);

        var answer = await fixture.GrainsOf(primary).GetGrain<ISyncQueueGrain>(primary).ProposeAddRegionAsync(Newcomer, fixture.GatewaysOfNew(Newcomer));
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        var before = Snapshot(acked);

        await Eventually.WaitUntilAsync(() => Task.FromResult(newcomer.Serving), $"{Newcomer} caught up and serves", TimeSpan.FromSeconds(120));
        // At the moment it serves it holds every write acknowledged before its join began.
        foreach (var (id, state) in before)
        {
            var held = await fixture.Store(Newcomer).ReadAsync(EntityType.Profile, id);
            Assert.True(held is not null && held.Vector.Compare(state.Vector) is VectorOrder.Newer or VectorOrder.Equal,
                $"{Newcomer} served without {id} {state.Vector} (holds {held?.Vector})");
        }

        var atJoin = acked.Values.Sum(b => b.Count);
        await Eventually.WaitUntilAsync(() => Task.FromResult(acked.Values.Sum(b => b.Count) >= atJoin + 60), "writes acknowledged after the join");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var regions = fixture.Running.ToList();
        await Eventually.WaitUntilAsync(async () =>
        {
            var digests = new HashSet<string>();
            foreach (var region in regions)
            {
                digests.Add((await fixture.Store(region).DigestAsync()).Overall);
            }

            return digests.Count == 1;
        }, "the four regions' digests are equal", TimeSpan.FromSeconds(60));

        foreach (var region in regions)
        {
            Assert.Equal(2, fixture.Services(region).GetRequiredService<SiloRegion>().Membership.Version);
            Assert.Equal(0, await fixture.Store(region).ConflictCountAsync()); // one writer per entity: any conflict row would be the join's
            foreach (var (id, states) in acked)
            {
                var held = await fixture.Store(region).ReadAsync(EntityType.Profile, id);
                var writer = states.First().ModifiedBy;
                // Exactly once: the writer's vector entry counts its acknowledged writes (more only where a write's answer was lost).
                Assert.True(held is not null && (unsure.ContainsKey(id) ? held.Vector.Get(writer) >= states.Count : held.Vector.Get(writer) == states.Count),
                    $"{region} holds {id} at {held?.Vector}; {writer} acknowledged {states.Count} writes");
            }
        }
    }

    /// <summary>Writes a few profiles of its own in <paramref name="region"/>, over and over, recording each acknowledged state.</summary>
    private async Task WriteSteadilyAsync(string region, ConcurrentDictionary<string, ConcurrentBag<EntityState>> acked,
        ConcurrentDictionary<string, bool> unsure, CancellationToken stop)
    {
        var run = Guid.CreateVersion7().ToString("N")[..8];
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var id = $"join-{run}-{region}-{n % 5}";
            try
            {
                var state = await fixture.Grain<IProfileGrain>(region, id).PutAsync(new Profile(id, $"{region} {n}", null, n));
                acked.GetOrAdd(id, _ => []).Add(state);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                unsure[id] = true;
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static Dictionary<string, EntityState> Snapshot(ConcurrentDictionary<string, ConcurrentBag<EntityState>> acked) =>
        acked.ToDictionary(a => a.Key, a => a.Value.MaxBy(s => s.Vector.Sum)!);
}
