using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Haunt.Silo.Cli;

/// <summary>
/// `region add frankfurt --gateway 10.0.0.5:30000 --api https://osaka:5101 --token …`: asks a running region, through
/// its operator API, to add a region whose silos were started with Haunt:Join, and waits until the deployment agreed
/// it (every region accepted) and, where <c>--newcomer-api</c> is given, until the new region caught up and serves.
/// `region remove nyc --api … --token … [--home osaka]`: asks for a region to leave and waits until it was removed.
/// </summary>
public static class RegionCommand
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <param name="output">Where progress goes (default: standard output).</param>
    /// <param name="error">Where refusals go (default: standard error).</param>
    public static Command Create(TextWriter? output = null, TextWriter? error = null)
    {
        var name = new Argument<string>("region") { Description = "The region to add (its silos already started with Haunt:Join and Haunt:Regions naming it)." };
        var gateways = new Option<string[]>("--gateway") { Description = "A gateway of the new region's cluster as ip:port, where the other regions reach it. Repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var api = new Option<string>("--api") { Description = "The HTTP API of any region that serves, e.g. http://127.0.0.1:5101.", Required = true };
        var token = new Option<string>("--token") { Description = "An operator's bearer token (haunt token --user … --role operator).", Required = true };
        var newcomer = new Option<string?>("--newcomer-api") { Description = "The new region's HTTP API: also wait until it caught up and serves." };
        foreach (var url in new Option[] { api, newcomer })
        {
            url.Validators.Add(r =>
            {
                if (r.Tokens.FirstOrDefault()?.Value is { } value && !Uri.TryCreate(value, UriKind.Absolute, out _))
                {
                    r.AddError($"{r.IdentifierToken?.Value ?? "the URL"} must be an absolute URL such as http://127.0.0.1:5101, not '{value}'.");
                }
            });
        }

        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait.", DefaultValueFactory = _ => 600 };
        var add = new Command("add", "Add a region to the running deployment.") { name, gateways, api, token, newcomer, timeout };
        add.SetAction((parse, cancel) => AddAsync(parse.GetValue(name)!, parse.GetValue(gateways)!, new Uri(parse.GetValue(api)!), parse.GetValue(token)!,
            parse.GetValue(newcomer) is { } joining ? new Uri(joining) : null, TimeSpan.FromSeconds(parse.GetValue(timeout)), output ?? Console.Out, error ?? Console.Error, cancel));
        var leaving = new Argument<string>("region") { Description = "The region to remove (not the primary)." };
        var home = new Option<string?>("--home") { Description = "Where its portfolios and their entities go (default: the primary)." };
        var remove = new Command("remove", "Remove a region from the running deployment: it stops taking writes, hands its portfolios over, drains, and is removed.")
            { leaving, home, api, token, timeout };
        remove.SetAction((parse, cancel) => RemoveAsync(parse.GetValue(leaving)!, parse.GetValue(home), new Uri(parse.GetValue(api)!), parse.GetValue(token)!,
            TimeSpan.FromSeconds(parse.GetValue(timeout)), output ?? Console.Out, error ?? Console.Error, cancel));
        return new Command("region", "Change the deployment's regions while it runs (one change at a time).") { add, remove };
    }

    private static async Task<int> RemoveAsync(string region, string? home, Uri api, string token, TimeSpan timeout, TextWriter output, TextWriter error,
        CancellationToken cancel)
    {
        using var http = Client(api, token);
        var path = $"/api/sync/membership/regions/{Uri.EscapeDataString(region)}" + (home is null ? "" : $"?home={Uri.EscapeDataString(home)}");
        using var response = await http.DeleteAsync(path, cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
        if (!response.IsSuccessStatusCode)
        {
            error.WriteLine($"haunt region remove: {(int)response.StatusCode} {Describe(body)}");
            return 1;
        }

        output.WriteLine($"Proposed membership version {body.GetProperty("membership").GetProperty("version").GetInt64()}: {body.GetProperty("membership").GetProperty("change").GetString()}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            // Removed once the region asked holds a version without it; a leave refused or given up is no longer in progress.
            var seen = await PollAsync(http, "/api/sync/membership", m => !Member(m, region)
                || (!Leaving(m, region) && m.GetProperty("inProgress").ValueKind == JsonValueKind.Null), deadline.Token);
            if (Member(seen, region))
            {
                error.WriteLine($"haunt region remove: not agreed: {seen.GetProperty("lastOutcome").GetString()}");
                return 1;
            }

            output.WriteLine($"{region} handed its portfolios over, drained and was removed: membership version {seen.GetProperty("current").GetProperty("version").GetInt64()}.");
            return 0;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            error.WriteLine($"haunt region remove: gave up after {timeout}.");
            return 1;
        }
    }

    private static bool Member(JsonElement status, string region) =>
        status.GetProperty("current").GetProperty("regions").EnumerateArray().Any(r => r.GetString() == region);

    private static bool Leaving(JsonElement status, string region) =>
        status.GetProperty("current").TryGetProperty("successors", out var successors) && successors.ValueKind == JsonValueKind.Object
        && successors.TryGetProperty(region, out _) && Member(status, region);

    private static async Task<int> AddAsync(string region, string[] gateways, Uri api, string token, Uri? newcomer, TimeSpan timeout,
        TextWriter output, TextWriter error, CancellationToken cancel)
    {
        using var http = Client(api, token);
        using var response = await http.PostAsJsonAsync("/api/sync/membership/regions", new { region, gateways }, cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
        if (!response.IsSuccessStatusCode)
        {
            error.WriteLine($"haunt region add: {(int)response.StatusCode} {Describe(body)}");
            return 1;
        }

        var version = body.GetProperty("membership").GetProperty("version").GetInt64();
        output.WriteLine($"Proposed membership version {version}: {string.Join(", ", body.GetProperty("membership").GetProperty("regions").EnumerateArray())}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            // Settled: adopted (the version moved on), or no longer under way (refused or given up: lastOutcome says which).
            var agreed = await PollAsync(http, "/api/sync/membership", m => m.GetProperty("current").GetProperty("version").GetInt64() >= version
                || m.GetProperty("inProgress").ValueKind == JsonValueKind.Null, deadline.Token);
            if (agreed.GetProperty("current").GetProperty("version").GetInt64() < version)
            {
                error.WriteLine($"haunt region add: not agreed: {agreed.GetProperty("lastOutcome").GetString()}");
                return 1;
            }

            output.WriteLine($"Agreed: every region accepted; they queue every change for {region} from now on.");
            if (newcomer is not null)
            {
                using var joining = Client(newcomer, token);
                await PollAsync(joining, "/api/sync/membership", m => m.GetProperty("serving").GetBoolean(), deadline.Token, m =>
                {
                    if (m.GetProperty("join") is { ValueKind: JsonValueKind.Object } join)
                    {
                        output.WriteLine($"joining: {join.GetProperty("phase").GetString()}, {join.GetProperty("statesReceived").GetInt64()} states, {join.GetProperty("roundsDone").GetInt32()} rounds");
                    }
                });
                output.WriteLine($"{region} caught up and serves.");
            }

            return 0;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            error.WriteLine($"haunt region add: gave up after {timeout}.");
            return 1;
        }
    }

    private static async Task<JsonElement> PollAsync(HttpClient http, string path, Func<JsonElement, bool> done, CancellationToken cancel, Action<JsonElement>? progress = null)
    {
        while (true)
        {
            using var response = await http.GetAsync(path, cancel);
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
                if (done(body))
                {
                    return body;
                }

                progress?.Invoke(body);
            }

            await Task.Delay(s_poll, cancel);
        }
    }

    private static HttpClient Client(Uri api, string token)
    {
        var http = new HttpClient { BaseAddress = api };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static string Describe(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) && detail.GetString() is { } text ? text
        : problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) ? errors.ToString()
        : problem.ToString();
}
