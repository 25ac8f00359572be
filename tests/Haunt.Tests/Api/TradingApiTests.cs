using System.Net;
using System.Net.Http.Json;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteTradingApiTests(SqliteApiHost host) : TradingApiTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresTradingApiTests(PostgresApiHost host) : TradingApiTests(host);

/// <summary>Portfolios, orders, positions and trades over real HTTP.</summary>
public abstract class TradingApiTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    [SkippableFact]
    public async Task Trading_over_http_places_fills_lists_and_cancels_and_replicates()
    {
        var osaka = host.Http[Region.Osaka];
        var id = await osaka.CreatePortfolioAsync();
        var portfolio = await osaka.GetJsonAsync($"/api/portfolios/{id}");
        Assert.Equal(100_000m, portfolio.GetProperty("cash").GetDecimal());

        var market = await osaka.PostAsJsonAsync($"/api/portfolios/{id}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 2 });
        Assert.Equal(HttpStatusCode.Created, market.StatusCode);
        var order = await market.JsonAsync();
        Assert.Equal("Filled", order.GetProperty("status").GetString());
        Assert.Equal($"/api/orders/{order.GetProperty("id").GetString()}", market.Headers.Location?.OriginalString);
        Assert.Equal("Buy", (await osaka.GetJsonAsync($"/api/orders/{order.GetProperty("id").GetString()}")).GetProperty("side").GetString());
        var position = Assert.Single((await osaka.GetJsonAsync($"/api/portfolios/{id}/positions")).EnumerateArray());
        Assert.Equal(2m, position.GetProperty("quantity").GetDecimal());
        Assert.Equal(1, (await osaka.GetJsonAsync($"/api/portfolios/{id}/trades")).GetArrayLength());
        Assert.True((await osaka.GetJsonAsync($"/api/portfolios/{id}")).GetProperty("cash").GetDecimal() < 100_000m);

        // Reads in another region are served from its replica: the portfolio and its trade arrive there.
        await Eventually.WaitUntilAsync(async () => (await host.Http[Region.Nyc].GetAsync($"/api/portfolios/{id}/trades")) is { StatusCode: HttpStatusCode.OK } r
            && (await r.JsonAsync()).GetArrayLength() == 1, "the portfolio and its trade reached nyc");
    }

    [SkippableTheory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task A_resting_limit_order_is_cancelled_once_then_refused_with_409(string method)
    {
        var osaka = host.Http[Region.Osaka];
        var id = await osaka.CreatePortfolioAsync();
        var resting = await (await osaka.PostAsJsonAsync($"/api/portfolios/{id}/orders",
            new { symbol = "BTC", side = "Buy", kind = "Limit", quantity = 0.01, limitPrice = 1 })).JsonAsync();
        Assert.Equal("Open", resting.GetProperty("status").GetString());
        var orderId = resting.GetProperty("id").GetString();
        HttpRequestMessage Cancel() => method == "POST"
            ? new(HttpMethod.Post, $"/api/portfolios/{id}/orders/{orderId}/cancel")
            : new(HttpMethod.Delete, $"/api/portfolios/{id}/orders/{orderId}");

        var cancelled = await osaka.SendAsync(Cancel());
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.JsonAsync()).GetProperty("status").GetString());
        var again = await osaka.SendAsync(Cancel());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }
}
