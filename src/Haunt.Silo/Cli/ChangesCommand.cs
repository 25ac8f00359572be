using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Haunt.Silo.Hosting;
using Haunt.Silo.Security;
using Microsoft.Extensions.Configuration;

namespace Haunt.Silo.Cli;

/// <summary>
/// `changes --region seoul [--types Order,Trade] [--portfolio id] [--follow]`: prints a region's change feed, a line per
/// change, and keeps the token of the last one printed in a file, so the next run (or the same one after a crash)
/// resumes right after it. Without --follow it stops once it has caught up; with it, it long-polls for more until
/// Ctrl+C. A consumer to show the feed, and a model for one.
/// </summary>
public static class ChangesCommand
{
    private const int PageSize = 500;

    public static Command Create(TextWriter? output = null, TextWriter? error = null)
    {
        var region = new Option<string>("--region") { Description = "The region whose feed to read (its loopback API under `up`).", DefaultValueFactory = _ => RegionSet.Default.Primary };
        var api = new Option<string?>("--api") { Description = "The region's HTTP API, e.g. http://127.0.0.1:5102 (default: the region's under `up`)." };
        var token = new Option<string?>("--token") { Description = "A bearer token (default: an operator's, signed with the data folder's development key, as `up` runs)." };
        var data = new Option<string>("--data") { Description = "Data folder whose development key signs the default token.", DefaultValueFactory = _ => "data" };
        var types = new Option<string?>("--types") { Description = "Only these entity types, comma-separated (e.g. Order,Trade)." };
        var portfolio = new Option<string?>("--portfolio") { Description = "Only the changes of this portfolio." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading: wait for new changes until Ctrl+C." };
        var stateFile = new Option<string?>("--state-file") { Description = "Where the last token is kept (default: <data>/changes-<region>.token)." };
        var fromStart = new Option<bool>("--from-start") { Description = "Ignore the kept token: from the oldest change the region keeps." };
        var command = new Command("changes", "Print a region's change feed, resuming after the last change printed.")
            { region, api, token, data, types, portfolio, follow, stateFile, fromStart };
        command.SetAction((parse, cancel) =>
        {
            var name = parse.GetValue(region)!;
            var folder = Path.GetFullPath(parse.GetValue(data)!);
            var url = parse.GetValue(api) ?? SiloEndpoints.DefaultFor(name).HttpUrl;
            var reader = new FeedConsumer(url, parse.GetValue(token) ?? DevelopmentToken(folder), parse.GetValue(stateFile) ?? Path.Combine(folder, $"changes-{name}.token"),
                output ?? Console.Out, error ?? Console.Error);
            return reader.RunAsync(parse.GetValue(types), parse.GetValue(portfolio), parse.GetValue(follow), parse.GetValue(fromStart), cancel);
        });
        return command;
    }

    private static string DevelopmentToken(string folder)
    {
        var options = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Haunt").Get<SiloHostOptions>() ?? new SiloHostOptions();
        options.Development = options.Auth.SigningKeys.Count == 0;
        return TokenIssuer.Mint(options.EffectiveAuth(folder), "changes", [HauntPolicies.OperatorRole], TimeSpan.FromHours(12));
    }

    /// <summary>The loop: read a page after the kept token, print it, keep the new token; again.</summary>
    private sealed class FeedConsumer(string api, string token, string stateFile, TextWriter output, TextWriter error)
    {
        public async Task<int> RunAsync(string? types, string? portfolio, bool follow, bool fromStart, CancellationToken cancel)
        {
            using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var since = !fromStart && File.Exists(stateFile) ? (await File.ReadAllTextAsync(stateFile, cancel)).Trim() : null;
            var filters = (types is null ? "" : $"&types={Uri.EscapeDataString(types)}") + (portfolio is null ? "" : $"&portfolio={Uri.EscapeDataString(portfolio)}");
            try
            {
                while (true)
                {
                    var path = $"/api/changes?limit={PageSize}{filters}" + (since is null ? "" : $"&since={Uri.EscapeDataString(since)}") + (follow ? "&wait=25" : "");
                    using var response = await http.GetAsync(path, cancel);
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
                    if (!response.IsSuccessStatusCode)
                    {
                        error.WriteLine($"haunt changes: {(int)response.StatusCode} {Text(body, "title")}: {Text(body, "detail")}" +
                            (response.StatusCode == HttpStatusCode.Gone ? $" (delete {stateFile} or pass --from-start to start again)" : ""));
                        return 1;
                    }

                    var changes = body.GetProperty("changes").EnumerateArray().ToList();
                    foreach (var change in changes)
                    {
                        output.WriteLine(Line(change));
                    }

                    since = body.GetProperty("next").GetString();
                    await KeepAsync(since!, cancel);
                    if (!follow && changes.Count < PageSize)
                    {
                        return 0;
                    }
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return 0; // Ctrl+C: the token of the last change printed is kept
            }
            catch (HttpRequestException ex)
            {
                error.WriteLine($"haunt changes: {api} cannot be reached ({ex.Message})");
                return 1;
            }
        }

        /// <summary>Written to a new file and moved over the old one: a crash leaves the old token or the new, never half of one.</summary>
        private async Task KeepAsync(string next, CancellationToken cancel)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stateFile))!);
            var temporary = stateFile + ".new";
            await File.WriteAllTextAsync(temporary, next, CancellationToken.None);
            File.Move(temporary, stateFile, overwrite: true);
            cancel.ThrowIfCancellationRequested();
        }

        private static string Line(JsonElement change) => string.Create(CultureInfo.InvariantCulture,
            $"{Text(change, "token"),-14} {DateTimeOffset.FromUnixTimeMilliseconds(change.GetProperty("committedAtMs").GetInt64()):HH:mm:ss.fff} " +
            $"{Text(change, "entityType"),-17} {Text(change, "operation"),-6} {Text(change, "entityId")} {Text(change, "vector")} from {Text(change, "origin")}");

        private static string Text(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? value.ToString() : "";
    }
}
