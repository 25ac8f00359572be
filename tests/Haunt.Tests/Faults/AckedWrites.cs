using System.Collections.Concurrent;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Faults;

/// <summary>
/// Writes made by a test that the system acknowledged, and the end-state check on them: every region holds
/// every acknowledged write exactly once — for each entity, each region's counter in the final vector
/// equals the number of acknowledged writes that region made to it (more = applied twice, fewer = lost).
/// </summary>
public sealed class AckedWrites
{
    private readonly ConcurrentDictionary<(EntityType Type, string Id), ConcurrentDictionary<string, int>> _writes = new();
    private readonly ConcurrentDictionary<(EntityType Type, string Id, string Region), int> _unknown = new();

    public int Count => _writes.Values.Sum(r => r.Values.Sum());

    /// <summary>Whether <paramref name="state"/> is of an entity this test wrote.</summary>
    public bool Wrote(EntityState state) => _writes.ContainsKey((state.Type, state.Id));

    public void Record(EntityType type, string id, string region) =>
        _writes.GetOrAdd((type, id), _ => new()).AddOrUpdate(region, 1, (_, n) => n + 1);

    /// <summary>Writes until cancelled: profile updates on a small id set (so writes pile on the same rows) and trades.</summary>
    /// <param name="shared">Strategy ids that every region writes too, so concurrent versions meet.</param>
    public async Task WriteSteadilyAsync(ClusterFixture fixture, string region, CancellationToken stop, int pauseMs = 20, IReadOnlyList<string>? shared = null)
    {
        var profiles = Enumerable.Range(0, 5).Select(i => $"{region}-steady-{Guid.NewGuid():N}").ToList();
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (shared is { Count: > 0 } && i % 5 == 4)
                {
                    var id = shared[i / 5 % shared.Count];
                    await fixture.Grain<IStrategyGrain>(region, id).PutAsync(new Strategy(id, "p-1", $"{region} #{i}", "{}", true));
                    Record(EntityType.Strategy, id, region);
                }
                else if (i % 2 == 0)
                {
                    var id = profiles[i / 2 % profiles.Count];
                    await fixture.Grain<IProfileGrain>(region, id).PutAsync(new Profile(id, $"{region} #{i}", null, i % 10));
                    Record(EntityType.Profile, id, region);
                }
                else
                {
                    var id = Guid.CreateVersion7().ToString("N");
                    // An append-only record written through its own grain (trades are written only by their portfolio).
                    await fixture.Grain<IMarginHistoryGrain>(region, id).PutAsync((MarginHistory)SampleEntities.Create(EntityType.MarginHistory, id) with { Id = id });
                    Record(EntityType.MarginHistory, id, region);
                }
            }
            catch (RegionUnavailableException)
            {
                // Refused before anything was written: not expected anywhere.
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // The silo died mid-call: the write may or may not have committed. Not acknowledged, so
                // it may be absent, but if present it must still be there exactly once.
                if (shared is { Count: > 0 } && i % 5 == 4)
                {
                    _unknown.AddOrUpdate((EntityType.Strategy, shared[i / 5 % shared.Count], region), 1, (_, n) => n + 1);
                }
                else if (i % 2 == 0)
                {
                    _unknown.AddOrUpdate((EntityType.Profile, profiles[i / 2 % profiles.Count], region), 1, (_, n) => n + 1);
                }
            }

            i++;
            await Task.Delay(pauseMs, CancellationToken.None);
        }
    }

    /// <summary>
    /// Asserts every region's change feed holds every entity's final state, no version twice, each entity's versions in
    /// order (each newer than the one before), and in each writing region a row for every write it acknowledged.
    /// </summary>
    public async Task AssertInEveryFeedAsync(ClusterFixture fixture)
    {
        foreach (var region in fixture.Regions.All)
        {
            var store = fixture.Store(region);
            var feed = (await store.ChangesAsync(new FeedQuery(0, int.MaxValue))).Changes.Where(c => Wrote(c.State)).ToList();
            var byEntity = feed.GroupBy(c => (c.State.Type, c.State.Id)).ToDictionary(g => g.Key, g => g.Select(c => c.State.Vector).ToList());
            foreach (var ((type, id), writers) in _writes)
            {
                var stored = await store.ReadAsync(type, id);
                Assert.True(byEntity.TryGetValue((type, id), out var vectors) && vectors[^1] == stored!.Vector, $"{region}'s feed ends {type} {id} at the version it stores ({stored?.Vector})");
                Assert.True(vectors.Zip(vectors.Skip(1)).All(p => p.Second.Compare(p.First) == VectorOrder.Newer), $"{region}: {type} {id} in order: {string.Join(" → ", vectors)}");
                var own = vectors.Select(v => v.Get(region)).Distinct().Count(n => n > 0);
                Assert.True(own >= writers.GetValueOrDefault(region), $"{region}'s feed has a row for each of its {writers.GetValueOrDefault(region)} writes of {type} {id} ({own})");
            }
        }
    }

    /// <summary>Asserts every acknowledged write is in every region, exactly once.</summary>
    public async Task AssertAllPresentExactlyOnceAsync(ClusterFixture fixture)
    {
        Assert.True(Count > 0, "the test acknowledged no writes");
        foreach (var ((type, id), byRegion) in _writes)
        {
            foreach (var region in KnownRegions.All)
            {
                var state = await fixture.Store(region).ReadAsync(type, id);
                Assert.True(state is not null, $"{type} {id} missing in {region}");
                foreach (var writer in KnownRegions.All)
                {
                    var acked = byRegion.GetValueOrDefault(writer);
                    var unknown = _unknown.GetValueOrDefault((type, id, writer));
                    var counted = state!.Vector.Get(writer);
                    Assert.True(counted >= acked && counted <= acked + unknown,
                        $"{type} {id} in {region}: {writer} made {acked} acknowledged (+{unknown} unknown) writes, vector says {state.Vector}");
                }
            }
        }
    }
}
