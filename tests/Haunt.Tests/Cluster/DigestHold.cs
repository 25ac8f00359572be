namespace Haunt.Tests.Cluster;

/// <summary>
/// Holds every digest scan of a region's store before it starts, until its caller's token is cancelled (counted in
/// <see cref="Cancelled"/>) or the hold is lifted: shows whether a caller's cancellation reaches the store.
/// </summary>
public sealed class DigestHold
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lifted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _cancelled;

    /// <summary>Completes once a scan is being held.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Held scans that ended because their token was cancelled.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    public void Lift() => _lifted.TrySetResult();

    internal async Task<T> HoldAsync<T>(Func<Task<T>> scan, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        try
        {
            await _lifted.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }

        return await scan();
    }
}
