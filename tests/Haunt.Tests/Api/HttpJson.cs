using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Haunt.Tests.Api;

/// <summary>Small helpers for reading the API's JSON in tests.</summary>
internal static class HttpJson
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    public static async Task<string> CreatePortfolioAsync(this HttpClient http, decimal cash = 100_000m)
    {
        var created = await http.PostAsJsonAsync("/api/portfolios", new { startingCash = cash });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("id").GetString()!;
    }
}
