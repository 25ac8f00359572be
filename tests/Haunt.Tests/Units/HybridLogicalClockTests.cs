namespace Haunt.Tests.Units;

public sealed class HybridLogicalClockTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Readings_in_the_same_millisecond_are_strictly_increasing()
    {
        var clock = new HybridLogicalClock(new ManualTime(s_start));
        var a = clock.Now();
        var b = clock.Now();
        Assert.True(b > a);
        Assert.Equal(a.WallMilliseconds, b.WallMilliseconds);
        Assert.Equal(a.Counter + 1, b.Counter);
    }

    [Fact]
    public void Readings_follow_wall_time_and_never_go_back_when_it_does()
    {
        var time = new ManualTime(s_start);
        var clock = new HybridLogicalClock(time);
        time.Now = s_start.AddSeconds(5);
        var later = clock.Now();
        Assert.Equal(s_start.AddSeconds(5).ToUnixTimeMilliseconds(), later.WallMilliseconds);

        time.Now = s_start; // the wall clock steps back
        Assert.True(clock.Now() > later);
    }

    [Fact]
    public void Observing_a_clock_ahead_moves_local_readings_past_it()
    {
        var clock = new HybridLogicalClock(new ManualTime(s_start));
        var remote = new HybridTimestamp(s_start.AddSeconds(5).ToUnixTimeMilliseconds(), 3);
        var observed = clock.Observe(remote);
        Assert.True(observed > remote);
        Assert.True(clock.Now() > observed);
    }

    [Fact]
    public void Packed_form_sorts_like_the_timestamp_and_round_trips()
    {
        var a = new HybridTimestamp(1_700_000_000_000, 5);
        var b = new HybridTimestamp(1_700_000_000_001, 0);
        Assert.True(a.Packed < b.Packed);
        Assert.Equal(a, HybridTimestamp.FromPacked(a.Packed));
    }
}
