namespace Haunt.Tests.Cluster;

/// <summary>A region's clock with an adjustable offset from real time: how tests skew one region.</summary>
public sealed class SkewableTime : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
