using Haunt.Grains.Sync;

namespace Haunt.Tests.Units;

public sealed class ConflictResolverTests
{
    private static EntityState State(EntityType type, string by, VersionVector vector, long wallMs, bool deleted = false) =>
        new(type, "e-1", KnownRegions.Osaka, vector, new HybridTimestamp(wallMs, 0), by, deleted, null, $"{{\"by\":\"{by}\"}}");

    public static TheoryData<EntityType, string> Pairs() => new()
    {
        { EntityType.Profile, KnownRegions.Nyc },        // eventual: later clock wins
        { EntityType.Strategy, KnownRegions.Nyc },
        { EntityType.Order, KnownRegions.Osaka },        // strong: primary wins even with the earlier clock
        { EntityType.InsuranceFund, KnownRegions.Osaka },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Concurrent_pair_resolves_the_same_way_from_both_sides(EntityType type, string expectedWinner)
    {
        var osaka = State(type, KnownRegions.Osaka, V(2, 0, 0), 1000);
        var nyc = State(type, KnownRegions.Nyc, V(1, 0, 1), 2000);

        var inOsaka = ConflictResolver.Instance.Resolve(osaka, nyc);
        var inNyc = ConflictResolver.Instance.Resolve(nyc, osaka);

        Assert.Equal(ApplyOutcome.Conflict, inOsaka.Outcome);
        Assert.Equal(inOsaka.ToStore, inNyc.ToStore);
        Assert.Equal(expectedWinner, inOsaka.ToStore!.ModifiedBy);
        Assert.Equal(V(2, 0, 1), inOsaka.ToStore.Vector);
    }

    [Fact]
    public void Equal_clocks_break_ties_by_region_rank()
    {
        var seoul = State(EntityType.Profile, KnownRegions.Seoul, V(1, 1, 0), 5000);
        var nyc = State(EntityType.Profile, KnownRegions.Nyc, V(1, 0, 1), 5000);
        Assert.Equal(KnownRegions.Seoul, ConflictResolver.Instance.Resolve(nyc, seoul).ToStore!.ModifiedBy);
    }

    [Fact]
    public void Append_only_copies_merge_without_a_conflict()
    {
        var a = State(EntityType.Trade, KnownRegions.Osaka, V(1, 0, 0), 1);
        var b = State(EntityType.Trade, KnownRegions.Seoul, V(0, 1, 0), 1);
        var resolution = ConflictResolver.Instance.Resolve(a, b);
        Assert.Equal(ApplyOutcome.Applied, resolution.Outcome);
        Assert.Equal(V(1, 1, 0), resolution.ToStore!.Vector);
    }

    [Theory]
    [InlineData("1.0.0", ApplyOutcome.Ignored)]
    [InlineData("2.0.0", ApplyOutcome.Ignored)]
    [InlineData("3.0.0", ApplyOutcome.Applied)]
    public void Stale_and_duplicate_changes_are_silent_no_ops(string incoming, ApplyOutcome expected)
    {
        var local = State(EntityType.Profile, KnownRegions.Osaka, V(2, 0, 0), 10);
        var change = State(EntityType.Profile, KnownRegions.Osaka, VersionVector.Parse(incoming), 20);
        Assert.Equal(expected, ConflictResolver.Instance.Resolve(local, change).Outcome);
    }
}
