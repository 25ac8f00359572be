using System.Diagnostics;
using System.Net;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Xunit.Abstractions;

namespace Haunt.Tests.Partitions;

/// <summary>The checks the partition tests share, for any set of regions: during a cut, and the end state after the heal.</summary>
public abstract class PartitionChecks(PartitionCluster cluster, ITestOutputHelper output)
{
    // What a 503 for a forwarded write says: refused before sending, or sent and not answered in time.
    protected const string NotMade = "the write was not made";
    protected const string NoAnswer = "the write may still be made there";

    // --fast-failure-detection declares a silent silo dead in ~2–4 s; a cut three times that long.
    protected static readonly TimeSpan s_cutFor = TimeSpan.FromSeconds(12);
    protected static readonly TimeSpan s_answerWithin = TimeSpan.FromSeconds(2);
    protected static readonly TimeSpan s_noticeWithin = TimeSpan.FromSeconds(10);
    protected static readonly TimeSpan s_convergeWithin = TimeSpan.FromSeconds(60);

    private TimeSpan _slowestHealth;

    protected PartitionCluster Cluster => cluster;

    protected ITestOutputHelper Output => output;

    /// <summary>Stops the writers, waits for convergence (nothing restarted to get there), then checks every acknowledged write.</summary>
    protected async Task FinishAsync(SteadyWriters writers, params string[] refusedOrders)
    {
        var healed = Stopwatch.StartNew();
        await writers.StopAsync();
        await cluster.WaitUntilAllPeersReachableAsync();
        var reachable = healed.Elapsed;
        await EndState.WaitUntilConvergedAsync(cluster.Http, s_convergeWithin);
        output.WriteLine($"slowest health answer during the cut {_slowestHealth.TotalMilliseconds:0} ms; after the heal, " +
            $"every peer reachable again in {reachable.TotalSeconds:0.0} s, converged in {healed.Elapsed.TotalSeconds:0.0} s");
        AssertNoSiloExited();
        foreach (var w in writers.All)
        {
            Assert.True(w.Refusals.IsEmpty, $"{w.Region} refused {w.Refusals.Count} writes, e.g. {w.Refusals.FirstOrDefault()}");
        }

        await EndState.AssertEveryAcknowledgedWriteOnceEverywhereAsync(cluster.Http, writers);
        foreach (var orderId in refusedOrders)
        {
            await EndState.AssertNowhereAsync(cluster.Http, orderId);
        }

        output.WriteLine(string.Join("; ", writers.All.Select(w =>
            $"{w.Region}: {w.Portfolios.Count} portfolios, {w.Orders.Count} orders acknowledged, {w.UnknownPortfolios + w.UnknownOrders.Count} indeterminate")));
    }

    /// <summary>
    /// Runs <paramref name="check"/> for the rest of the cut: until it lasted <see cref="s_cutFor"/> and, if given,
    /// <paramref name="reached"/> holds too (within <see cref="s_convergeWithin"/> more), so a step inside the cut that
    /// took long on a loaded machine still leaves time to see what the cut is for.
    /// </summary>
    protected static async Task WhileCutAsync(Stopwatch cut, Func<Task> check, Func<bool>? reached = null, string? what = null)
    {
        while (cut.Elapsed < s_cutFor || (reached is not null && !reached()))
        {
            Assert.True(cut.Elapsed < s_cutFor + s_convergeWithin, $"Timed out within the cut waiting until {what}.");
            await check();
            await Task.Delay(250); // pacing the checks; the cut's length is the point, not a wait for something
        }
    }

    /// <summary>Every region's health, each answered within 2 s by the region's own cluster.</summary>
    protected async Task<Dictionary<string, RegionHealth>> HealthOfAllAsync()
    {
        var health = new Dictionary<string, RegionHealth>();
        foreach (var region in cluster.Regions.All)
        {
            var h = await cluster.Http[region].HealthAsync();
            Assert.True(h.Took < s_answerWithin, $"{region}'s health took {h.Took.TotalMilliseconds:0} ms");
            Assert.Equal($"haunt-{region}", h.Cluster);
            _slowestHealth = h.Took > _slowestHealth ? h.Took : _slowestHealth;
            health[region] = h;
        }

        return health;
    }

    /// <summary>
    /// An order through <paramref name="via"/> for a portfolio whose home is <paramref name="home"/>: 503 naming it,
    /// within 2 s, its detail saying what became of the write (<paramref name="detailSays"/>).
    /// </summary>
    protected async Task<(string OrderId, TimeSpan Took)> AssertRefusedNamingAsync(string via, string portfolioId, string home, string detailSays)
    {
        var clientOrderId = RegionApi.NewId();
        var clock = Stopwatch.StartNew();
        using var response = await cluster.Http[via].PlaceMarketOrderAsync(portfolioId, clientOrderId);
        var took = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"an order in {via} for a {home} portfolio answered {(int)response.StatusCode}: {body}");
        var problem = await response.JsonAsync();
        Assert.Contains($"Region '{home}'", problem.GetProperty("title").GetString());
        Assert.Contains(detailSays, problem.GetProperty("detail").GetString());
        Assert.True(took < s_answerWithin, $"the refusal took {took.TotalMilliseconds:0} ms");
        return (OrderIds.For(portfolioId, clientOrderId), took);
    }

    protected async Task AssertEachServesItsOwnAsync(Dictionary<string, string> homes)
    {
        foreach (var (region, id) in homes)
        {
            Assert.Equal(HttpStatusCode.OK, await cluster.Http[region].StatusOfAsync($"/api/portfolios/{id}"));
        }
    }

    protected void AssertNoSiloExited()
    {
        foreach (var (region, silo) in cluster.Silos)
        {
            Assert.False(silo.HasExited, $"{region}'s silo process exited; its log (kept with HAUNT_KEEP_PROCESS_LOGS=1): {silo.LogPath}");
        }
    }

    protected static void AssertNoticed(TimeSpan? after, string what) =>
        Assert.True(after < s_noticeWithin, $"expected within {s_noticeWithin.TotalSeconds:0} s: {what} (after {after?.TotalSeconds.ToString("0.0") ?? "never"})");

    protected static void AssertEveryRegionWrote(SteadyWriters writers, Dictionary<string, int> before, string when)
    {
        foreach (var w in writers.All)
        {
            Assert.True(w.Acked > before[w.Region], $"{w.Region} acknowledged no write {when}");
        }
    }

    protected static Dictionary<string, int> AckedCounts(SteadyWriters writers) => writers.All.ToDictionary(w => w.Region, w => w.Acked);

    protected async Task<Dictionary<string, string>> HomesAsync(SteadyWriters writers)
    {
        var homes = new Dictionary<string, string>();
        foreach (var region in cluster.Regions.All)
        {
            homes[region] = await writers.FirstPortfolioAsync(region);
        }

        return homes;
    }

    /// <summary>Waits until a portfolio made elsewhere has replicated to <paramref name="region"/>.</summary>
    protected Task WaitUntilReadableAsync(string region, string portfolioId) => Eventually.WaitUntilAsync(
        async () => await cluster.Http[region].StatusOfAsync($"/api/portfolios/{portfolioId}") == HttpStatusCode.OK,
        $"portfolio {portfolioId} replicated to {region}");
}
