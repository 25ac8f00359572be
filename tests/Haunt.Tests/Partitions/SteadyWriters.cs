using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Partitions;

/// <summary>An order the API acknowledged (201): its portfolio and the status it was placed with.</summary>
public sealed record AckedOrder(string Region, string PortfolioId, string Status);

/// <summary>
/// What one region's writer did. Acknowledged = a 201 with its id. A write that threw, timed out or got any
/// other answer is indeterminate (Jepsen's "info"): it may be absent, but if present, only once — for orders
/// the id was chosen by the writer, so they can be looked for; an unanswered portfolio create cannot.
/// </summary>
public sealed class RegionWrites(string region)
{
    private int _unknownPortfolios;

    public string Region { get; } = region;

    public ConcurrentQueue<string> Portfolios { get; } = new();

    public ConcurrentDictionary<string, AckedOrder> Orders { get; } = new();

    /// <summary>Order id → portfolio id of orders without a 201.</summary>
    public ConcurrentDictionary<string, string> UnknownOrders { get; } = new();

    /// <summary>Answers other than 201 (status and body), for the failure message: none are expected.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public int UnknownPortfolios => _unknownPortfolios;

    public int Acked => Portfolios.Count + Orders.Count;

    /// <summary>An order placed in this region outside the writer whose outcome is unknown: allowed at most once.</summary>
    public void OrderUnknown(string orderId, string portfolioId) => UnknownOrders[orderId] = portfolioId;

    internal void PortfolioUnknown() => Interlocked.Increment(ref _unknownPortfolios);
}

/// <summary>A writer: the region it writes in, and the client of that region's API it writes through.</summary>
public sealed record WriterLane(string Region, HttpClient Http);

/// <summary>
/// Background writers, one per region or several (lanes), each through its region's own API: a writer opens
/// portfolios and places market orders on the portfolios it opened (their home is its region, so no write needs
/// another region). Each lane keeps the moments its writes were acknowledged, to measure outages.
/// </summary>
public sealed class SteadyWriters : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, RegionWrites> _writes;
    private readonly List<ConcurrentQueue<DateTime>> _acks;
    private readonly List<Task> _loops;

    private SteadyWriters(IReadOnlyList<WriterLane> lanes, TimeSpan pause)
    {
        _writes = lanes.Select(l => l.Region).Distinct().ToDictionary(r => r, r => new RegionWrites(r));
        _acks = [.. lanes.Select(_ => new ConcurrentQueue<DateTime>())];
        _loops = [.. lanes.Select((l, i) => Task.Run(() => WriteAsync(l.Http, _writes[l.Region], _acks[i], pause)))];
    }

    public RegionWrites this[string region] => _writes[region];

    public IEnumerable<RegionWrites> All => _writes.Values;

    /// <summary>About ten writes a second per region: steady, yet cheap enough for two cores.</summary>
    public static SteadyWriters Start(IReadOnlyDictionary<string, HttpClient> http, TimeSpan? pause = null) =>
        Start([.. http.Select(r => new WriterLane(r.Key, r.Value))], pause);

    /// <summary>About ten writes a second per lane.</summary>
    public static SteadyWriters Start(IReadOnlyList<WriterLane> lanes, TimeSpan? pause = null) =>
        new(lanes, pause ?? TimeSpan.FromMilliseconds(100));

    /// <summary>When the writes of lane <paramref name="lane"/> (in the order given to Start) were acknowledged (UTC).</summary>
    public IReadOnlyList<DateTime> AckTimesOf(int lane) => [.. _acks[lane]];

    /// <summary>The first portfolio the region acknowledged, once there is one.</summary>
    public async Task<string> FirstPortfolioAsync(string region)
    {
        await Eventually.WaitUntilAsync(() => Task.FromResult(!_writes[region].Portfolios.IsEmpty), $"{region} acknowledged a portfolio");
        return _writes[region].Portfolios.First();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(HttpClient http, RegionWrites writes, ConcurrentQueue<DateTime> acks, TimeSpan pause)
    {
        var mine = new List<string>();
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            bool acked;
            if (mine.Count == 0 || i % 5 == 0)
            {
                var id = await TryCreatePortfolioAsync(http, writes);
                if (id is not null)
                {
                    mine.Add(id);
                }

                acked = id is not null;
            }
            else
            {
                acked = await TryPlaceOrderAsync(http, writes, mine[i % mine.Count]);
            }

            if (acked)
            {
                acks.Enqueue(DateTime.UtcNow);
            }

            // Pacing, not waiting for anything: the writer's rate (WhenAny: a stop ends the pause without throwing).
            await Task.WhenAny(Task.Delay(pause, _stop.Token));
        }
    }

    private static async Task<string?> TryCreatePortfolioAsync(HttpClient http, RegionWrites writes)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/portfolios", new { startingCash = 100_000m });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var id = (await response.JsonAsync()).GetProperty("id").GetString()!;
                writes.Portfolios.Enqueue(id);
                return id;
            }

            writes.Refusals.Enqueue($"POST /api/portfolios → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // No answer: the portfolio may exist, under an id we never learnt.
        }

        writes.PortfolioUnknown();
        return null;
    }

    private static async Task<bool> TryPlaceOrderAsync(HttpClient http, RegionWrites writes, string portfolioId)
    {
        var clientOrderId = RegionApi.NewId();
        var orderId = OrderIds.For(portfolioId, clientOrderId);
        try
        {
            using var response = await http.PlaceMarketOrderAsync(portfolioId, clientOrderId);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var status = (await response.JsonAsync()).GetProperty("status").GetString()!;
                writes.Orders[orderId] = new AckedOrder(writes.Region, portfolioId, status);
                return true;
            }

            writes.Refusals.Enqueue($"POST order {orderId} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // No answer: recorded below as indeterminate.
        }

        writes.OrderUnknown(orderId, portfolioId);
        return false;
    }
}
