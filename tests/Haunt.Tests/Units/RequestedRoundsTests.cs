using Haunt.Grains.Sync;
using Haunt.Tests.Simulation;

namespace Haunt.Tests.Units;

/// <summary>
/// Issue 20, item 4: operators asking for reconcile within the interval are answered on their silo, not by a call into
/// the replication actor; each call that does reach it is counted here.
/// </summary>
public sealed class RequestedRoundsTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(1);
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero));
    private readonly TaskCompletionSource _loopAnswers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private bool _loopCoalesces;

    private RequestedRounds Rounds() => new(async () =>
    {
        var round = Interlocked.Increment(ref _calls);
        await _loopAnswers.Task;
        return new ReconcileStarted("seoul", round, ["osaka", "nyc"], _loopCoalesces);
    }, () => s_interval, _time);

    [Fact]
    public async Task Operators_asking_at_once_and_within_the_interval_share_one_call_to_the_loop()
    {
        var rounds = Rounds();

        var asking = Enumerable.Range(0, 50).Select(_ => rounds.StartAsync()).ToList();
        _loopAnswers.SetResult();
        var answers = await Task.WhenAll(asking);
        _time.Now += s_interval - TimeSpan.FromSeconds(1);
        var later = await rounds.StartAsync();

        Assert.Equal(1, _calls);
        Assert.All(answers.Append(later), a => Assert.Equal(1, a.RoundId));
        Assert.Single(answers, a => !a.Coalesced);
        Assert.True(later.Coalesced);
    }

    [Fact]
    public async Task Once_the_interval_has_passed_a_new_round_is_started()
    {
        var rounds = Rounds();
        _loopAnswers.SetResult();

        var first = await rounds.StartAsync();
        _time.Now += s_interval;
        var second = await rounds.StartAsync();

        Assert.Equal((1, 2), (first.RoundId, second.RoundId));
        Assert.False(second.Coalesced);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_round_the_loop_coalesced_is_not_kept_because_when_it_started_is_not_known_here()
    {
        var rounds = Rounds();
        _loopAnswers.SetResult();
        _loopCoalesces = true;

        await rounds.StartAsync();
        await rounds.StartAsync();

        Assert.Equal(2, _calls);
    }
}
