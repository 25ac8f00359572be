using Haunt.Grains.Peers;

namespace Haunt.Tests.Units;

/// <summary>A forwarded write that reaches its home region after the forwarding region gave up is refused.</summary>
public sealed class ForwardDeadlineTests : IDisposable
{
    private readonly ManualClock _time = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_write_arriving_in_time_or_within_the_skew_allowance_goes_ahead()
    {
        ForwardDeadline.Set(_time, TimeSpan.FromSeconds(1.5));
        _time.Now += TimeSpan.FromSeconds(1.5) + ForwardDeadline.SkewAllowance;

        ForwardDeadline.ThrowIfPassed(_time, "An order");
    }

    [Fact]
    public void A_write_arriving_after_its_caller_stopped_waiting_is_refused_as_not_made()
    {
        ForwardDeadline.Set(_time, TimeSpan.FromSeconds(1.5));
        _time.Now += TimeSpan.FromSeconds(12); // held in a connection through a 12 s cut

        var refused = Assert.Throws<OperationRefusedException>(() => ForwardDeadline.ThrowIfPassed(_time, "An order for portfolio 'p'"));
        Assert.Equal("An order for portfolio 'p' arrived after the region that forwarded it stopped waiting; it was not made.", refused.Message);
    }

    [Fact]
    public void A_call_that_was_not_forwarded_has_no_deadline()
    {
        _time.Now += TimeSpan.FromDays(1);

        ForwardDeadline.ThrowIfPassed(_time, "An order");
    }

    public void Dispose() => RequestContext.Clear();

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
