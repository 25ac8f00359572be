using System.Diagnostics;
using Xunit.Abstractions;

namespace Haunt.Tests.Partitions;

/// <summary>
/// Issue 21: the real partitions again with four regions (the default three and frankfurt), each a silo process in its
/// own network namespace, under steady writes through every region's API. Nothing here names a region: "first" and
/// "last" are the set's.
/// </summary>
[Collection(FourRegionPartitionCollection.Name)]
public sealed class FourRegionPartitionTests(FourRegionPartitionCluster cluster, ITestOutputHelper output) : PartitionChecks(cluster, output)
{
    private string First => Cluster.Regions.All[0];

    private string Last => Cluster.Regions.All[^1];

    [SkippableFact]
    public async Task Issue_21_the_last_of_four_regions_isolated_keeps_serving_and_all_converge_after_the_cut()
    {
        await Cluster.PrepareAsync();
        await using var writers = SteadyWriters.Start(Cluster.Http);
        var homes = await HomesAsync(writers);
        await WaitUntilReadableAsync(Last, homes[First]);
        var before = AckedCounts(writers);

        await Cluster.Lab.CutOffAsync(Last);
        var cut = Stopwatch.StartNew();
        TimeSpan? othersSawItDown = null;
        await WhileCutAsync(cut, async () =>
        {
            var health = await HealthOfAllAsync();
            var others = Cluster.Regions.PeersOf(Last).ToList();
            Assert.All(others, r => Assert.True(Cluster.Regions.PeersOf(r).Where(p => p != Last).All(health[r].Reaches), $"{r} lost a peer that was not cut off"));
            if (others.All(r => !health[r].Reaches(Last)) && !Cluster.Regions.PeersOf(Last).Any(health[Last].Reaches))
            {
                othersSawItDown ??= cut.Elapsed;
            }

            await AssertEachServesItsOwnAsync(homes);
            AssertNoSiloExited();
        });
        var refused = await AssertRefusedNamingAsync(Last, homes[First], First, NotMade);
        AssertNoticed(othersSawItDown, $"{Last} and the three others reported each other unreachable");
        AssertEveryRegionWrote(writers, before, $"while {Last} was cut off");

        await Cluster.Lab.ReconnectAsync(Last);
        Output.WriteLine($"{Last} and the others saw each other down after {othersSawItDown?.TotalSeconds:0.0} s");
        await FinishAsync(writers, refused.OrderId);
    }

    [SkippableFact]
    public async Task Issue_21_a_cut_link_between_the_first_and_the_last_of_four_heals_to_the_same_end_state()
    {
        await Cluster.PrepareAsync();
        await using var writers = SteadyWriters.Start(Cluster.Http);
        var homes = await HomesAsync(writers);
        await WaitUntilReadableAsync(Last, homes[First]);
        var before = AckedCounts(writers);

        await Cluster.Lab.CutLinkAsync(First, Last);
        var cut = Stopwatch.StartNew();
        TimeSpan? eachSawTheOtherDown = null;
        await WhileCutAsync(cut, async () =>
        {
            var health = await HealthOfAllAsync();
            foreach (var region in Cluster.Regions.All)
            {
                var cutFrom = region == First ? Last : region == Last ? First : null;
                Assert.True(Cluster.Regions.PeersOf(region).Where(p => p != cutFrom).All(health[region].Reaches), $"{region} lost a peer whose link was not cut");
            }

            if (!health[First].Reaches(Last) && !health[Last].Reaches(First))
            {
                eachSawTheOtherDown ??= cut.Elapsed;
            }

            await AssertEachServesItsOwnAsync(homes);
            AssertNoSiloExited();
        });
        // No relaying through the regions in between: a write in the last region that needs the first is refused.
        var refused = await AssertRefusedNamingAsync(Last, homes[First], First, NotMade);
        AssertNoticed(eachSawTheOtherDown, $"{First} and {Last} reported each other unreachable");
        AssertEveryRegionWrote(writers, before, $"while the {First}–{Last} link was cut");

        await Cluster.Lab.RestoreLinkAsync(First, Last);
        await FinishAsync(writers, refused.OrderId);
    }
}
