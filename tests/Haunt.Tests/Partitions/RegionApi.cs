using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Haunt.Tests.Api;

namespace Haunt.Tests.Partitions;

/// <summary>A region's health as one GET /api/sync/health saw it, and how long that GET took.</summary>
public sealed record RegionHealth(string Cluster, IReadOnlyDictionary<string, bool> Reachable, TimeSpan Took)
{
    public bool Reaches(string peer) => Reachable[peer];
}

/// <summary>The calls the partition tests make on a region's HTTP API, timed where the time is the point.</summary>
internal static class RegionApi
{
    public static async Task<RegionHealth> HealthAsync(this HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        var health = await http.GetJsonAsync("/api/sync/health");
        var took = clock.Elapsed;
        var peers = health.GetProperty("peers").EnumerateArray()
            .ToDictionary(p => p.GetProperty("peer").GetString()!, p => p.GetProperty("reachable").GetBoolean());
        return new RegionHealth(health.GetProperty("cluster").GetString()!, peers, took);
    }

    /// <summary>
    /// A market order for a little ETH with a client id chosen here, so that a refused or unanswered one can be looked
    /// for later (as <see cref="OrderIds.For"/> of the portfolio and that id).
    /// </summary>
    public static Task<HttpResponseMessage> PlaceMarketOrderAsync(this HttpClient http, string portfolioId, string clientOrderId) =>
        http.PostAsJsonAsync($"/api/portfolios/{portfolioId}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 0.01m, orderId = clientOrderId });

    public static async Task<HttpStatusCode> StatusOfAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
