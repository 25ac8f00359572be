namespace Haunt.Tests.Units;

public sealed class VersionVectorTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0", VectorOrder.Equal)]
    [InlineData("2.0.0", "1.0.0", VectorOrder.Newer)]
    [InlineData("1.0.0", "2.0.0", VectorOrder.Older)]
    [InlineData("1.1.0", "1.0.0", VectorOrder.Newer)]
    [InlineData("1.0.0", "0.1.0", VectorOrder.Concurrent)]
    [InlineData("3.1.0", "2.1.1", VectorOrder.Concurrent)]
    [InlineData("0.0.0", "0.0.1", VectorOrder.Older)]
    public void Compare_orders_vectors(string a, string b, VectorOrder expected) =>
        Assert.Equal(expected, VersionVector.Parse(a).Compare(VersionVector.Parse(b)));

    [Fact]
    public void Merge_takes_the_element_wise_maximum_and_dominates_both()
    {
        var a = new VersionVector(3, 0, 1);
        var b = new VersionVector(1, 2, 1);
        var merged = a.Merge(b);

        Assert.Equal(new VersionVector(3, 2, 1), merged);
        Assert.Equal(VectorOrder.Newer, merged.Compare(a));
        Assert.Equal(VectorOrder.Newer, merged.Compare(b));
        Assert.Equal(merged, b.Merge(a));
    }

    [Fact]
    public void Increment_bumps_only_the_writing_region_and_the_sum()
    {
        var v = VersionVector.Zero.Increment(KnownRegions.Seoul).Increment(KnownRegions.Seoul).Increment(KnownRegions.Nyc);
        Assert.Equal(new VersionVector(0, 2, 1), v);
        Assert.Equal(3, v.Sum);
        Assert.Throws<ArgumentException>(() => v.Increment("mars"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.x")]
    [InlineData("-1.0.0")]
    public void Parse_refuses_malformed_text(string text) => Assert.False(VersionVector.TryParse(text, out _));

    [Fact]
    public void Text_form_round_trips() => Assert.Equal(new VersionVector(12, 0, 7), VersionVector.Parse(new VersionVector(12, 0, 7).ToString()));
}
