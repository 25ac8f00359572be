using Haunt.Grains.Sync;

namespace Haunt.Tests.Units;

/// <summary>Issue 19, item 7: the outbox wake-up sends one wake at a time and misses no append.</summary>
public sealed class OutboxWakeupTests
{
    private readonly List<TaskCompletionSource> _wakes = [];
    private readonly OutboxWakeup _wakeup;

    public OutboxWakeupTests() => _wakeup = new OutboxWakeup(() =>
    {
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_wakes)
        {
            _wakes.Add(wake);
        }

        return wake.Task;
    });

    private int Sent
    {
        get
        {
            lock (_wakes)
            {
                return _wakes.Count;
            }
        }
    }

    [Fact]
    public void Nothing_is_woken_before_the_sync_loop_is_started()
    {
        _wakeup.Signal();
        Assert.Equal(0, Sent);
    }

    [Fact]
    public void Appends_while_a_wake_is_in_flight_send_no_second_wake()
    {
        _wakeup.Enable();
        for (var i = 0; i < 100; i++)
        {
            _wakeup.Signal();
        }

        Assert.Equal(1, Sent);
    }

    [Fact]
    public async Task Regression_issue_19_appends_during_a_wake_get_exactly_one_more_once_it_returns()
    {
        _wakeup.Enable();
        _wakeup.Signal();
        _wakeup.Signal();
        _wakeup.Signal();
        Assert.Equal(1, Sent);

        _wakes[0].SetResult();
        await WaitForSentAsync(2);
        Assert.Equal(2, Sent);
    }

    [Fact]
    public async Task A_wake_that_failed_frees_the_gate()
    {
        _wakeup.Enable();
        _wakeup.Signal();
        _wakes[0].SetException(new TimeoutException("the sync grain did not answer"));

        await WaitForIdleThenSignalAsync();
        Assert.Equal(2, Sent);
    }

    private async Task WaitForSentAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (Sent < count)
        {
            await Task.Delay(1, deadline.Token);
        }
    }

    /// <summary>Signals until a new wake goes out (the continuation that frees the gate runs on the pool).</summary>
    private async Task WaitForIdleThenSignalAsync()
    {
        var before = Sent;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (Sent == before)
        {
            _wakeup.Signal();
            await Task.Delay(1, deadline.Token);
        }

        Assert.Equal(before + 1, Sent); // the new wake never returns here, so the signals after it only mark appends
    }
}
