namespace Haunt.Tests.Cluster;

/// <summary>
/// Holds a region's read of states of one type (what it ships in a repair) once <see cref="_passing"/> such reads went
/// through: the reads before it were shipped, the held one and those after it were not. Tells when a read is held.
/// </summary>
public sealed class StateReadPause(EntityType type, int passing)
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _passing = passing;

    public EntityType Type { get; } = type;

    /// <summary>Completes once a read is being held.</summary>
    public Task Held => _held.Task;

    public void Release() => _release.TrySetResult();

    /// <summary>Whether this read is the one to hold (each read of the type before it counts down).</summary>
    internal bool Takes(EntityType type) => type == Type && Interlocked.Decrement(ref _passing) == -1;

    internal async Task<T> HoldAsync<T>(Task<T> read)
    {
        var result = await read;
        _held.TrySetResult();
        await _release.Task;
        return result;
    }
}
