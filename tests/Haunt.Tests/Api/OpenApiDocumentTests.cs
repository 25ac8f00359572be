using System.Text.Json;

namespace Haunt.Tests.Api;

/// <summary>
/// /openapi/v1.json (and the Scalar UI that reads it) shows the API — trading and the sync operator surface,
/// grouped by tag — and not the Orleans dashboard's internal endpoints. The document does not depend on the
/// store, so it is checked on the SQLite host only.
/// </summary>
[Collection(SqliteApiCollection.Name)]
public sealed class OpenApiDocumentTests(SqliteApiHost host)
{
    private static readonly HashSet<string> s_methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public async Task The_document_lists_the_api_and_none_of_the_dashboard_endpoints()
    {
        var paths = (await DocumentAsync()).GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/portfolios", paths);
        Assert.Contains("/api/sync/health", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/dashboard", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_document_has_a_title_a_description_and_the_trading_sync_and_change_feed_tags()
    {
        var document = await DocumentAsync();

        var info = document.GetProperty("info");
        Assert.Equal("Haunt API", info.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("description").GetString()));
        Assert.Equal(new[] { "Trading", "Sync", "Change feed" }, document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task Every_operation_is_tagged_trading_sync_or_change_feed()
    {
        var operations = (
            from path in (await DocumentAsync()).GetProperty("paths").EnumerateObject()
            from operation in path.Value.EnumerateObject()
            where s_methods.Contains(operation.Name)
            select (Name: $"{operation.Name.ToUpperInvariant()} {path.Name}", Tags: Tags(operation.Value))).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.True(o.Tags is ["Trading"] or ["Sync"] or ["Change feed"], $"{o.Name} is tagged [{string.Join(", ", o.Tags)}]"));
    }

    private Task<JsonElement> DocumentAsync() => host.Http[KnownRegions.Osaka].GetJsonAsync("/openapi/v1.json");

    private static string[] Tags(JsonElement operation) =>
        operation.TryGetProperty("tags", out var tags) ? [.. tags.EnumerateArray().Select(t => t.GetString()!)] : [];
}
