using Haunt.Tests.Cluster;

namespace Haunt.Tests.Regions;

[Collection(SqliteTwoRegionCollection.Name)]
public sealed class SqliteTwoRegionTests(SqliteTwoRegionCluster cluster) : RegionSetTests(cluster);

[Collection(SqliteFourRegionCollection.Name)]
public sealed class SqliteFourRegionTests(SqliteFourRegionCluster cluster) : RegionSetTests(cluster);

[Collection(PostgresTwoRegionCollection.Name)]
public sealed class PostgresTwoRegionTests(PostgresTwoRegionCluster cluster) : RegionSetTests(cluster);

[Collection(PostgresFourRegionCollection.Name)]
public sealed class PostgresFourRegionTests(PostgresFourRegionCluster cluster) : RegionSetTests(cluster);

/// <summary>
/// Issue 21: replication, conflicts and a partition with another set of regions than the default three. Nothing here
/// names a region: "first" and "last" are the set's, so the same tests run on two regions and on four.
/// </summary>
public abstract class RegionSetTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private string First => fixture.Regions.All[0];

    private string Last => fixture.Regions.All[^1];

    public static TheoryData<EntityType> EveryEntityType() => [.. EntityTypes.All.Select(i => i.Type)];

    [SkippableTheory]
    [MemberData(nameof(EveryEntityType))]
    public async Task Issue_21_each_entity_type_written_in_the_last_region_is_equal_in_every_region(EntityType type)
    {
        var id = NewId();
        if (type == EntityType.InsuranceFund)
        {
            // Its home is the primary, so a write made elsewhere is forwarded there, and a forwarded write names its user.
            ActingUser.Set("operator");
        }

        var state = await SampleEntities.PutAsync(fixture, type, Last, id);

        var origin = await fixture.ReplicatedAsync(type, id, Last);

        Assert.Equal(state, origin);
        Assert.Equal(state.Vector.Sum, state.Vector.Get(state.ModifiedBy));
        foreach (var region in fixture.Regions.All)
        {
            Assert.Equal(origin, await fixture.Store(region).ReadAsync(type, id));
        }
    }

    [SkippableFact]
    public async Task Issue_21_concurrent_writes_in_the_first_and_last_region_resolve_the_same_everywhere_and_are_recorded()
    {
        var id = NewId();
        await fixture.Grain<IProfileGrain>(First, id).PutAsync(new Profile(id, "original", null, 1));
        await fixture.ReplicatedAsync(EntityType.Profile, id, First);

        CutOff(Last);
        try
        {
            await fixture.Grain<IProfileGrain>(First, id).PutAsync(new Profile(id, "first edit", null, 2));
            await fixture.Grain<IProfileGrain>(Last, id).PutAsync(new Profile(id, "last edit", null, 3));
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ConvergedAsync();
        var expected = VersionVector.Of([new(First, 2), new(Last, 1)]);
        foreach (var region in fixture.Regions.All)
        {
            var stored = (await fixture.Store(region).ReadAsync(EntityType.Profile, id))!;
            Assert.Equal(expected, stored.Vector);
            Assert.Equal("last edit", StateJson.Deserialize<Profile>(stored.Payload).DisplayName); // the later clock wins
        }

        // Every region that received both versions logged the pair once: the two writers and every other region.
        foreach (var region in fixture.Regions.All)
        {
            await Eventually.WaitUntilAsync(async () => (await ConflictsFor(region, id)).Count == 1, $"{region} logged the pair once");
            var conflict = Assert.Single(await ConflictsFor(region, id));
            Assert.Equal(("last-writer-wins", Last), (conflict.Policy, conflict.Winner));
        }
    }

    [SkippableFact]
    public async Task Issue_21_the_last_region_cut_off_from_all_others_keeps_writing_and_everything_is_everywhere_after_the_heal()
    {
        var written = new List<(string Region, string Id)>();
        CutOff(Last);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                foreach (var region in fixture.Regions.All)
                {
                    var id = NewId();
                    await fixture.Grain<IProfileGrain>(region, id).PutAsync(new Profile(id, $"{region} {i}", null, 1));
                    written.Add((region, id));
                }
            }
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ConvergedAsync();
        foreach (var (origin, id) in written)
        {
            foreach (var region in fixture.Regions.All)
            {
                var stored = await fixture.Store(region).ReadAsync(EntityType.Profile, id);
                Assert.True(stored is { Deleted: false }, $"{id} written in {origin} is not in {region}");
                Assert.Equal(VersionVector.Zero.Increment(origin), stored.Vector);
            }
        }
    }

    /// <summary>Cuts every link of <paramref name="region"/>.</summary>
    private void CutOff(string region)
    {
        foreach (var peer in fixture.Regions.PeersOf(region))
        {
            fixture.Cut(region, peer);
        }
    }

    private async Task<IReadOnlyList<ConflictRecord>> ConflictsFor(string region, string id) =>
        (await fixture.Store(region).ConflictsAsync(0, 100_000)).Where(c => c.EntityId == id).ToList();
}
