using System.Net;

namespace Haunt.Bench;

/// <summary>
/// Operators in every region calling health, convergence, overview and reconcile as fast as the rate limits let them
/// (a 429 waits its Retry-After), from <see cref="Start"/> until disposed.
/// </summary>
public sealed class OperatorHammers : IAsyncDisposable
{
    /// <summary>The calls an operator makes in turn: health, convergence, overview, reconcile (a POST).</summary>
    public static readonly IReadOnlyList<string> Calls = ["/api/sync/health", "/api/sync/convergence", "/api/sync/overview", ReconcileCall];

    private const string ReconcileCall = "/api/sync/reconcile";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _operators;
    private long _served;
    private long _limited;

    private readonly IReadOnlyList<string> _calls;

    private OperatorHammers(BenchCluster cluster, int perRegion, IReadOnlyList<string> calls)
    {
        _calls = calls;
        _operators = cluster.Regions.SelectMany(region => Enumerable.Range(0, perRegion).Select(i => Task.Run(() => HammerAsync(cluster, region, i)))).ToList();
    }

    public long Served => Interlocked.Read(ref _served);

    public long Limited => Interlocked.Read(ref _limited);

    /// <summary>Starts <paramref name="perRegion"/> operators in every region making <paramref name="calls"/> in turn (default <see cref="Calls"/>).</summary>
    public static OperatorHammers Start(BenchCluster cluster, int perRegion, IReadOnlyList<string>? calls = null) => new(cluster, perRegion, calls ?? Calls);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_operators);
        _stop.Dispose();
    }

    private async Task HammerAsync(BenchCluster cluster, string region, int index)
    {
        using var api = cluster.OperatorApi(region, $"hammer-{region}-{index}");
        for (var n = index; !_stop.IsCancellationRequested; n++)
        {
            try
            {
                var call = _calls[n % _calls.Count];
                using var answer = call == ReconcileCall ? await api.PostAsync(call, null, _stop.Token) : await api.GetAsync(call, _stop.Token);
                if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _limited);
                    await Task.Delay(answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100), _stop.Token);
                }
                else
                {
                    Interlocked.Increment(ref _served);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
