namespace Haunt.Tests.Simulation;

/// <summary>
/// Issue 20, item 6: a peer whose clock runs an hour ahead stamps its writes an hour into the future. Accepted, they
/// would win every last-writer-wins conflict against writes made later in real time, and drag the receivers' hybrid
/// clocks ahead too. Batches with a change stamped past Haunt:Sync:MaxClockDrift are refused whole and counted.
/// </summary>
public sealed class ClockAheadTests
{
    [Fact]
    public void A_peer_an_hour_ahead_has_its_batches_refused_and_wins_no_conflict_it_should_lose()
    {
        using var cluster = new SimulatedCluster(11) { Writers = [] };
        cluster.SkewClock(KnownRegions.Seoul, TimeSpan.FromHours(1));

        cluster.PutProfile(KnownRegions.Seoul, "skewed", "seoul, an hour ahead");
        cluster.Steps(50, faults: false);
        cluster.PutProfile(KnownRegions.Osaka, "skewed", "osaka, later in real time");
        cluster.Steps(400, faults: false);

        Assert.Equal("osaka, later in real time", cluster.ProfileNameIn(KnownRegions.Osaka, "skewed"));
        Assert.Equal("osaka, later in real time", cluster.ProfileNameIn(KnownRegions.Nyc, "skewed"));
        Assert.True(cluster.MetricsOf(KnownRegions.Osaka).BatchesClockAhead > 0, "osaka counted seoul's refused batches");
        Assert.True(cluster.MetricsOf(KnownRegions.Nyc).BatchesClockAhead > 0, "nyc counted seoul's refused batches");
        Assert.Equal(0, cluster.MetricsOf(KnownRegions.Seoul).BatchesClockAhead); // the other regions' batches are in seoul's past
    }

    [Fact]
    public void A_peer_within_the_allowed_drift_is_not_refused()
    {
        using var cluster = new SimulatedCluster(12) { Writers = [] };
        cluster.SkewClock(KnownRegions.Seoul, TimeSpan.FromSeconds(30));

        cluster.PutProfile(KnownRegions.Seoul, "slightly-fast", "seoul, 30 s ahead");
        cluster.Steps(400, faults: false);

        Assert.Equal("seoul, 30 s ahead", cluster.ProfileNameIn(KnownRegions.Osaka, "slightly-fast"));
        Assert.Equal(0, cluster.MetricsOf(KnownRegions.Osaka).BatchesClockAhead);
    }
}
