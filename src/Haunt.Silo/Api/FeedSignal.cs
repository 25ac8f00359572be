namespace Haunt.Silo.Api;

/// <summary>
/// Wakes the feed's waiting readers (long-poll, server-sent events) when this silo's store commits a change. A reader
/// takes <see cref="Next"/> before it reads the store, so a commit between its read and its wait still wakes it. The
/// region's other silos commit through stores of their own: their changes are picked up by the readers' periodic
/// re-read (<see cref="ChangeFeedEndpoints.PollInterval"/>).
/// </summary>
public sealed class FeedSignal : IDisposable
{
    private readonly IRegionalStore _store;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FeedSignal(IRegionalStore store)
    {
        _store = store;
        store.FeedAppended += Pulse;
    }

    /// <summary>Completes at the next commit after it was taken.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Dispose() => _store.FeedAppended -= Pulse;

    private void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
