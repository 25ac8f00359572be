using System.Net;
using System.Text.Json;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Partitions;

/// <summary>
/// Where every partition test must end once the network is healed and the writers stopped: the regions
/// converge by themselves, and every acknowledged write is in every region exactly once.
/// </summary>
internal static class EndState
{
    private static readonly ParallelOptions s_fewAtATime = new() { MaxDegreeOfParallelism = 4 };

    /// <summary>Waits until every region's /api/sync/convergence says converged, to the same digest.</summary>
    public static Task WaitUntilConvergedAsync(IReadOnlyDictionary<string, HttpClient> http, TimeSpan timeout) =>
        Eventually.WaitUntilAsync(async () =>
        {
            var digests = new HashSet<string>();
            // One region first: each report reads every digest, so the others are asked only once it looks done.
            foreach (var region in http.Keys)
            {
                var report = await http[region].GetJsonAsync("/api/sync/convergence");
                if (!report.GetProperty("converged").GetBoolean())
                {
                    return false;
                }

                digests.UnionWith(report.GetProperty("regions").EnumerateObject().Select(r => r.Value.GetString()!));
            }

            return digests.Count == 1;
        }, "every region reports every region converged", timeout);

    /// <summary>
    /// Every acknowledged portfolio and order is readable in every region; each portfolio is the same in every
    /// region (cash: each fill applied once) with the same trades; an acknowledged fill has exactly one trade, an
    /// indeterminate order at most one, and no trade belongs to an order the writers did not place.
    /// </summary>
    public static async Task AssertEveryAcknowledgedWriteOnceEverywhereAsync(IReadOnlyDictionary<string, HttpClient> http, SteadyWriters writers)
    {
        var acked = writers.All.SelectMany(w => w.Orders).ToDictionary(o => o.Key, o => o.Value);
        var unknown = writers.All.SelectMany(w => w.UnknownOrders.Keys).ToHashSet();
        var portfolios = writers.All.SelectMany(w => w.Portfolios).ToList();
        Assert.True(portfolios.Count > 0 && acked.Count > 0, "the writers got no write acknowledged");

        await Parallel.ForEachAsync(portfolios, s_fewAtATime, async (id, _) =>
        {
            var views = await Task.WhenAll(http.Keys.Select(r => ViewAsync(http[r], r, id)));
            Assert.True(views.All(v => v.Cash == views[0].Cash), $"portfolio {id}: cash {string.Join(", ", views.Select(v => $"{v.Region} {v.Cash}"))}");
            Assert.True(views.All(v => v.Trades.SequenceEqual(views[0].Trades)),
                $"portfolio {id}: trades {string.Join(", ", views.Select(v => $"{v.Region} {v.Trades.Count}"))} differ");
            var fills = views[0].Trades.GroupBy(t => t.OrderId).ToList();
            Assert.All(fills, f => Assert.True(f.Count() == 1, $"order {f.Key} of portfolio {id} has {f.Count()} trades"));
            Assert.All(fills, f => Assert.True(acked.ContainsKey(f.Key) || unknown.Contains(f.Key), $"trade for order {f.Key} that no writer placed"));
            foreach (var (orderId, order) in acked.Where(o => o.Value.PortfolioId == id && o.Value.Status == "Filled"))
            {
                Assert.True(fills.Any(f => f.Key == orderId), $"acknowledged fill {orderId} ({order.Region}) has no trade in portfolio {id}");
            }
        });

        await Parallel.ForEachAsync(acked.Keys, s_fewAtATime, async (orderId, _) =>
        {
            foreach (var region in http.Keys)
            {
                var status = await http[region].StatusOfAsync($"/api/orders/{orderId}");
                Assert.True(status == HttpStatusCode.OK, $"acknowledged order {orderId} ({acked[orderId].Region}): GET in {region} answered {(int)status}");
            }
        });
    }

    /// <summary>Asserts an order is in no region: for a write the API refused, saying it was not made.</summary>
    public static async Task AssertNowhereAsync(IReadOnlyDictionary<string, HttpClient> http, string orderId)
    {
        foreach (var region in http.Keys)
        {
            var status = await http[region].StatusOfAsync($"/api/orders/{orderId}");
            Assert.True(status == HttpStatusCode.NotFound, $"order {orderId} was refused with 503 (\"not made\") but {region} answers {(int)status}");
        }
    }

    private static async Task<PortfolioView> ViewAsync(HttpClient http, string region, string id)
    {
        var portfolio = await http.GetJsonAsync($"/api/portfolios/{id}");
        var trades = (await http.GetJsonAsync($"/api/portfolios/{id}/trades")).EnumerateArray().Select(TradeView.Of).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        return new PortfolioView(region, portfolio.GetProperty("cash").GetDecimal(), trades);
    }

    /// <summary>Decimals compared by value: a replica may print 1.50 where the home printed 1.5.</summary>
    private sealed record TradeView(string Id, string OrderId, decimal Quantity, decimal Price)
    {
        public static TradeView Of(JsonElement t) =>
            new(t.GetProperty("id").GetString()!, t.GetProperty("orderId").GetString()!, t.GetProperty("quantity").GetDecimal(), t.GetProperty("price").GetDecimal());
    }

    private sealed record PortfolioView(string Region, decimal Cash, List<TradeView> Trades);
}
