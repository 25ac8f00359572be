using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ApiTests(ApiHostFixture host)
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<string> CreatePortfolioAsync(string region = Region.Osaka, decimal cash = 100_000m)
    {
        var created = await host.Http[region].PostAsJsonAsync("/api/portfolios", new { owner = "api-test", startingCash = cash });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await JsonAsync(created)).GetProperty("id").GetString()!;
    }

    [Theory]
    [InlineData(Region.Osaka)]
    [InlineData(Region.Seoul)]
    [InlineData(Region.Nyc)]
    public async Task Every_sync_endpoint_answers_in_each_region(string region)
    {
        var http = host.Http[region];
        var health = await JsonAsync(await http.GetAsync("/api/sync/health"));
        Assert.Equal(region, health.GetProperty("region").GetString());
        Assert.Equal(2, health.GetProperty("peers").GetArrayLength());
        Assert.Contains(health.GetProperty("status").GetString(), new[] { "healthy", "degraded", "needs-snapshot" });

        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync("/api/sync/metrics?since=0"))).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync($"/api/sync/queue?peer={Region.PeersOf(region).First()}&limit=10"))).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync("/api/sync/conflicts?limit=10"))).ValueKind);
        Assert.Equal(13, (await JsonAsync(await http.GetAsync("/api/sync/digest"))).GetProperty("perType").EnumerateObject().Count());
        Assert.Equal(3, (await JsonAsync(await http.GetAsync("/api/sync/convergence"))).GetProperty("regions").EnumerateObject().Count());

        var reconcile = await http.PostAsync("/api/sync/reconcile", null);
        Assert.Equal(HttpStatusCode.Accepted, reconcile.StatusCode);
        Assert.Equal(2, (await JsonAsync(reconcile)).GetProperty("peers").GetArrayLength());
    }

    [Theory]
    [InlineData(Region.Osaka)]
    [InlineData(Region.Seoul)]
    [InlineData(Region.Nyc)]
    public async Task Dashboard_openapi_and_its_ui_answer_200_in_each_region(string region)
    {
        var http = host.Http[region];
        var openApi = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/sync/health", await openApi.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/scalar/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task Trading_over_http_places_fills_lists_and_cancels_and_replicates()
    {
        var osaka = host.Http[Region.Osaka];
        var id = await CreatePortfolioAsync();

        var market = await osaka.PostAsJsonAsync($"/api/portfolios/{id}/orders", new { symbol = "ETH", side = "Buy", kind = "Market", quantity = 2 });
        Assert.Equal(HttpStatusCode.Created, market.StatusCode);
        var order = await JsonAsync(market);
        Assert.Equal("Filled", order.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await osaka.GetAsync($"/api/orders/{order.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(1, (await JsonAsync(await osaka.GetAsync($"/api/portfolios/{id}/positions"))).GetArrayLength());
        Assert.Equal(1, (await JsonAsync(await osaka.GetAsync($"/api/portfolios/{id}/trades"))).GetArrayLength());

        var resting = await JsonAsync(await osaka.PostAsJsonAsync($"/api/portfolios/{id}/orders",
            new { symbol = "BTC", side = "Buy", kind = "Limit", quantity = 0.01, limitPrice = 1 }));
        Assert.Equal("Open", resting.GetProperty("status").GetString());
        var cancel = await osaka.PostAsync($"/api/portfolios/{id}/orders/{resting.GetProperty("id").GetString()}/cancel", null);
        Assert.Equal("Cancelled", (await JsonAsync(cancel)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await osaka.PostAsync($"/api/portfolios/{id}/orders/{resting.GetProperty("id").GetString()}/cancel", null)).StatusCode);

        await Eventually.WaitUntilAsync(async () => (await host.Http[Region.Nyc].GetAsync($"/api/portfolios/{id}")).StatusCode == HttpStatusCode.OK,
            "the portfolio reached nyc");
    }

    public static TheoryData<string, string, string?, HttpStatusCode> BadInputs() => new()
    {
        { "POST", "/api/portfolios", "{\"owner\": \"x\",", HttpStatusCode.BadRequest },
        { "POST", "/api/portfolios", "{\"startingCash\": 100}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/portfolios", "{\"owner\": \"x\", \"startingCash\": -5}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/portfolios", "{\"owner\": \"" + new string('x', 70_000) + "\", \"startingCash\": 5}", HttpStatusCode.RequestEntityTooLarge },
        { "POST", "/api/portfolios/{portfolio}/orders", "{\"symbol\": \"DOGE\", \"side\": \"Buy\", \"kind\": \"Market\", \"quantity\": 1}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/portfolios/{portfolio}/orders", "{\"symbol\": \"ETH\", \"side\": \"Buy\", \"kind\": \"Market\", \"quantity\": 0}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/portfolios/{portfolio}/orders", "{\"symbol\": \"ETH\", \"side\": \"Sideways\", \"kind\": \"Market\", \"quantity\": 1}", HttpStatusCode.BadRequest },
        { "POST", "/api/portfolios/{portfolio}/orders", "{\"symbol\": \"ETH\", \"side\": \"Sell\", \"kind\": \"Limit\", \"quantity\": 1}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/portfolios/no-such-portfolio/orders", "{\"symbol\": \"ETH\", \"side\": \"Buy\", \"kind\": \"Market\", \"quantity\": 1}", HttpStatusCode.NotFound },
        { "POST", "/api/portfolios/{portfolio}/orders/no-such-order/cancel", null, HttpStatusCode.NotFound },
        { "GET", "/api/portfolios/no-such-portfolio", null, HttpStatusCode.NotFound },
        { "GET", "/api/orders/no-such-order", null, HttpStatusCode.NotFound },
        { "GET", "/api/sync/queue?limit=0", null, HttpStatusCode.BadRequest },
        { "GET", "/api/sync/queue?peer=mars", null, HttpStatusCode.BadRequest },
        { "GET", "/api/sync/conflicts?limit=5000", null, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_problem_details_and_writes_nothing(string method, string path, string? body, HttpStatusCode expected)
    {
        var osaka = host.Http[Region.Osaka];
        var portfolio = await CreatePortfolioAsync(cash: 10m);
        var before = (await JsonAsync(await osaka.GetAsync("/api/sync/digest"))).GetProperty("overall").GetString();

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{portfolio}", portfolio, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await osaka.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, (await JsonAsync(await osaka.GetAsync("/api/sync/digest"))).GetProperty("overall").GetString());
    }
}
