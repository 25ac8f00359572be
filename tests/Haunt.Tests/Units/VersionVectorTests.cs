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
        var a = V(3, 0, 1);
        var b = V(1, 2, 1);
        var merged = a.Merge(b);

        Assert.Equal(V(3, 2, 1), merged);
        Assert.Equal(VectorOrder.Newer, merged.Compare(a));
        Assert.Equal(VectorOrder.Newer, merged.Compare(b));
        Assert.Equal(merged, b.Merge(a));
    }

    [Fact]
    public void Increment_bumps_only_the_writing_region_and_the_sum()
    {
        var v = VersionVector.Zero.Increment(KnownRegions.Seoul).Increment(KnownRegions.Seoul).Increment(KnownRegions.Nyc);
        Assert.Equal(V(0, 2, 1), v);
        Assert.Equal(3, v.Sum);
        Assert.Throws<ArgumentException>(() => v.Increment("Mars"));
        Assert.Throws<ArgumentException>(() => v.Increment(""));
    }

    [Fact]
    public void Issue_21_a_vector_names_any_regions_and_a_region_it_does_not_name_counts_zero()
    {
        var before = V(2, 1, 0); // written before frankfurt joined
        var after = before.Increment("frankfurt");

        Assert.Equal(0, before.Get("frankfurt"));
        Assert.Equal(1, after.Get("frankfurt"));
        Assert.Equal(VectorOrder.Newer, after.Compare(before));
        Assert.Equal(VectorOrder.Older, before.Compare(after));
        Assert.Equal(VectorOrder.Concurrent, after.Compare(V(2, 2, 0)));
        Assert.Equal(VersionVector.Of([new("frankfurt", 1), new("osaka", 2), new("seoul", 2)]), after.Merge(V(2, 2, 0)));
        Assert.Equal(V(2, 1, 0), V(2, 1, 0).Merge(VersionVector.Zero));
        Assert.Equal(VectorOrder.Equal, V(0, 0, 0).Compare(VersionVector.Zero));
        Assert.Equal(V(0, 0, 0), VersionVector.Zero);
    }

    [Fact]
    public void Issue_21_the_text_form_carries_its_version_and_names_regions_in_order_without_zeros()
    {
        Assert.Equal("v2:nyc=1,osaka=3", V(3, 0, 1).ToString());
        Assert.Equal("v2:", VersionVector.Zero.ToString());
        Assert.Equal("v2:a-1=4,frankfurt=2", VersionVector.Parse("v2:frankfurt=2,a-1=4").ToString());
        Assert.Equal("v2:nyc=1,osaka=3", VersionVector.Parse("v2:osaka=3,seoul=0,nyc=1").ToString());
    }

    [Fact]
    public void Issue_21_the_first_releases_osaka_seoul_nyc_text_reads_as_those_regions()
    {
        Assert.Equal(V(3, 0, 1), VersionVector.Parse("3.0.1"));
        Assert.Equal(VersionVector.Zero, VersionVector.Parse("0.0.0"));
        Assert.Equal(VersionVector.Parse("v2:nyc=1,osaka=3"), VersionVector.Parse("3.0.1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.x")]
    [InlineData("-1.0.0")]
    [InlineData("v2")]
    [InlineData("v2:osaka")]
    [InlineData("v2:osaka=")]
    [InlineData("v2:=1")]
    [InlineData("v2:osaka=1,osaka=2")]
    [InlineData("v2:Osaka=1")]
    [InlineData("v2:osaka=-1")]
    [InlineData("v2:osaka=1,")]
    [InlineData("v2:r1=1,r2=1,r3=1,r4=1,r5=1,r6=1,r7=1,r8=1,r9=1,r10=1,r11=1,r12=1,r13=1,r14=1,r15=1,r16=1,r17=1")]
    public void Parse_refuses_malformed_text(string text) => Assert.False(VersionVector.TryParse(text, out _));

    [Fact]
    public void Text_form_round_trips() => Assert.Equal(V(12, 0, 7), VersionVector.Parse(V(12, 0, 7).ToString()));

    [Fact]
    public void Issue_21_a_vector_crosses_the_orleans_serializer_whole()
    {
        using var services = Orleans.Serialization.ServiceCollectionExtensions.AddSerializer(new ServiceCollection()).BuildServiceProvider();
        var serializer = services.GetRequiredService<Orleans.Serialization.Serializer>();
        var vector = V(3, 0, 1).Increment("frankfurt");

        Assert.Equal(vector, serializer.Deserialize<VersionVector>(serializer.SerializeToArray(vector)));
        Assert.Equal(VersionVector.Zero, serializer.Deserialize<VersionVector>(serializer.SerializeToArray(VersionVector.Zero)));
        Assert.True(serializer.Deserialize<VersionVector>(serializer.SerializeToArray(vector)).IsCanonical);
    }
}
