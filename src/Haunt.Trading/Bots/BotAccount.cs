using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Bots;

/// <summary>
/// A bot's way in: its region's HTTP API with a token of its own, like any user (so it goes through
/// authentication, ownership checks and rate limits). Any refusal becomes an <see cref="OperationRefusedException"/>
/// naming the status, which the bot counts and moves on from.
/// </summary>
public sealed class BotAccount(HttpClient http) : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string PortfolioId { get; private set; } = "";

    public async Task OpenAsync(decimal startingCash)
    {
        var portfolio = await SendAsync<JsonElement>(HttpMethod.Post, "/api/portfolios", new { startingCash });
        PortfolioId = portfolio.GetProperty("id").GetString()!;
    }

    public Task<Order> PlaceAsync(PlaceOrder order) => SendAsync<Order>(HttpMethod.Post, $"/api/portfolios/{PortfolioId}/orders", order);

    /// <summary>Writes the bot's strategy (its document included) to its portfolio, as any user's client would.</summary>
    public Task<Strategy> SaveStrategyAsync(Strategy strategy) =>
        SendAsync<Strategy>(HttpMethod.Put, $"/api/portfolios/{PortfolioId}/strategies/{strategy.Id}",
            new { strategy.Name, strategy.Parameters, strategy.Enabled, strategy.Document });

    public Task<Order> CancelAsync(string orderId) => SendAsync<Order>(HttpMethod.Post, $"/api/portfolios/{PortfolioId}/orders/{orderId}/cancel", null);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: s_json) };
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync();
            throw new OperationRefusedException($"{method} {path} answered {(int)response.StatusCode}: {problem}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(s_json))!;
    }

    public void Dispose() => http.Dispose();
}
