namespace Haunt.Tests.Units;

/// <summary>Issue 21, item 1: the region set is data: an ordered list (the tie-break rank) and a primary.</summary>
public sealed class RegionSetUnitTests
{
    [Fact]
    public void Issue_21_a_set_ranks_its_regions_in_order_and_its_primary_is_the_first_unless_named()
    {
        var set = new RegionSet(["frankfurt", "osaka", "sao-paulo"]);

        Assert.Equal([0, 1, 2], set.All.Select(set.Rank));
        Assert.Equal("frankfurt", set.Primary);
        Assert.Equal(["frankfurt", "sao-paulo"], set.PeersOf("osaka"));
        Assert.Equal("osaka", new RegionSet(["frankfurt", "osaka"], "osaka").Primary);
        Assert.False(set.Contains("seoul"));
        Assert.Throws<ArgumentException>(() => set.Rank("seoul"));
        Assert.Equal(["osaka", "seoul", "nyc"], RegionSet.Default.All);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "osaka", "osaka" }, null)]
    [InlineData(new[] { "Osaka" }, null)]
    [InlineData(new[] { "1osaka" }, null)]
    [InlineData(new[] { "osaka_jp" }, null)]
    [InlineData(new[] { "osaka" }, "seoul")]
    public void Issue_21_a_list_that_is_no_set_is_refused_saying_why(string[] regions, string? primary)
    {
        Assert.NotNull(RegionSet.Problem(regions, primary));
        Assert.Throws<ArgumentException>(() => new RegionSet(regions, primary));
    }

    [Fact]
    public void Issue_21_at_most_sixteen_regions()
    {
        var sixteen = Enumerable.Range(1, 16).Select(i => $"r{i}").ToArray();
        Assert.Equal(16, new RegionSet(sixteen).Count);
        Assert.Contains("1–16", RegionSet.Problem([.. sixteen, "r17"], null), StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_21_ties_go_to_the_higher_ranked_region_of_the_set_and_a_departed_region_ranks_below_every_member()
    {
        EntityState By(string region) => new(EntityType.InsuranceFund, "f", region, VersionVector.Zero.Increment(region),
            new HybridTimestamp(1_767_600_000_000, 0), region, false, null, $"{{\"by\":\"{region}\"}}");
        var set = new RegionSet(["frankfurt", "osaka"]);
        var resolver = new ConflictResolver(set);

        // Concurrent strong writes: primary-wins by the set's rank, whichever order they meet in.
        Assert.Equal("frankfurt", resolver.Resolve(By("osaka"), By("frankfurt")).Winner);
        Assert.Equal("frankfurt", resolver.Resolve(By("frankfurt"), By("osaka")).Winner);
        // A region no longer in the set (what it wrote before it left) loses to every member.
        Assert.Equal("osaka", resolver.Resolve(By("osaka"), By("nyc")).Winner);
        Assert.Equal("osaka", resolver.Resolve(By("nyc"), By("osaka")).Winner);
    }
}
