using Haunt.Silo.Hosting;

namespace Haunt.Tests.Units;

/// <summary>`up`'s live view and its summary judge the same figures the same way: equal digests with changes still in an outbox are not converged.</summary>
public sealed class ConvergenceVerdictTests
{
    private static RegionSnapshot Region(string name, string digest, long backlog, bool up = true) =>
        new(name, up, 129_487, digest, backlog, 12, 0, 0, 0, []);

    [Fact]
    public void Equal_digests_with_changes_in_an_outbox_are_not_converged_and_say_how_many_are_in_flight()
    {
        RegionSnapshot[] snapshots = [Region("osaka", "4dfc", 0), Region("seoul", "4dfc", 8), Region("nyc", "4dfc", 0)];

        Assert.False(ConvergenceVerdict.Converged(snapshots));
        Assert.Equal("NO (digests equal, 8 changes in outboxes)", ConvergenceVerdict.Describe(snapshots, "yes", "NO"));
    }

    [Fact]
    public void Equal_digests_and_empty_outboxes_are_converged()
    {
        RegionSnapshot[] snapshots = [Region("osaka", "4dfc", 0), Region("seoul", "4dfc", 0), Region("nyc", "4dfc", 0)];

        Assert.True(ConvergenceVerdict.Converged(snapshots));
        Assert.Equal("yes", ConvergenceVerdict.Describe(snapshots, "yes", "NO"));
    }

    [Fact]
    public void Different_digests_or_a_region_down_are_not_converged()
    {
        Assert.Equal("no", ConvergenceVerdict.Describe([Region("osaka", "4dfc", 0), Region("seoul", "9a01", 0)], "yes", "no"));
        Assert.Equal("no", ConvergenceVerdict.Describe([Region("osaka", "4dfc", 0), Region("seoul", "4dfc", 0, up: false)], "yes", "no"));
    }
}
