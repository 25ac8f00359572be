namespace Haunt.Abstractions.Versioning;

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): readings never go backwards, follow wall time when it moves,
/// and jump forward past any timestamp observed from a peer. Time comes from a TimeProvider so tests can
/// skew one region's clock.
/// </summary>
public sealed class HybridLogicalClock(TimeProvider time)
{
    private const int MaxCounter = 0xFFFF;
    private readonly Lock _gate = new();
    private HybridTimestamp _last;

    public TimeProvider Time => time;

    /// <summary>A reading for a local event.</summary>
    public HybridTimestamp Now()
    {
        var wall = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _last = wall > _last.WallMilliseconds ? new HybridTimestamp(wall, 0) : Tick(_last);
            return _last;
        }
    }

    /// <summary>Merges a timestamp received from a peer so that later local readings order after it.</summary>
    public HybridTimestamp Observe(HybridTimestamp remote)
    {
        var wall = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            var max = Math.Max(wall, Math.Max(_last.WallMilliseconds, remote.WallMilliseconds));
            int counter;
            if (max == _last.WallMilliseconds && max == remote.WallMilliseconds)
            {
                counter = Math.Max(_last.Counter, remote.Counter) + 1;
            }
            else if (max == _last.WallMilliseconds)
            {
                counter = _last.Counter + 1;
            }
            else if (max == remote.WallMilliseconds)
            {
                counter = remote.Counter + 1;
            }
            else
            {
                counter = 0;
            }

            _last = counter > MaxCounter ? new HybridTimestamp(max + 1, 0) : new HybridTimestamp(max, counter);
            return _last;
        }
    }

    private static HybridTimestamp Tick(HybridTimestamp last) =>
        last.Counter >= MaxCounter ? new HybridTimestamp(last.WallMilliseconds + 1, 0) : last with { Counter = last.Counter + 1 };
}
