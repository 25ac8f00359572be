using System.Net;
using Haunt.Silo.Hosting;
using Haunt.Silo.Security;
using Haunt.Tests.Cluster;
using Haunt.Tests.Processes;
using Microsoft.AspNetCore.Builder;

namespace Haunt.Tests.Api;

/// <summary>
/// One osaka silo (its peers absent) whose HTTP API has low rate limits (4 requests/s per user, 10 per address,
/// bursts of twice that; two change-feed reads open at once per user) and is in the middle of a signing-key rotation: it verifies with the new key and the old one.
/// </summary>
public sealed class LimitsAndRotationTests : IAsyncLifetime
{
    private static readonly string s_newKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray());
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-limits-{Guid.NewGuid():N}");
    private readonly SiloEndpoints _endpoints = new(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort());
    private WebApplication? _silo;

    public async Task InitializeAsync()
    {
        var absent = KnownRegions.PeersOf(KnownRegions.Osaka).ToDictionary(p => p,
            _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, SiloProcess.FreePort())]);
        var settings = LocalSiloSettings.For(KnownRegions.Osaka, _data, _endpoints, HauntSiloConfigurator.ClusterKey, absent,
            new AuthSettings { SigningKeys = [s_newKey, TestTokens.SigningKey] });
        (settings["Haunt:RateLimits:PerUser"], settings["Haunt:RateLimits:PerAddress"], settings["Haunt:RateLimits:SyncPerUser"]) = ("4", "10", "3");
        settings["Haunt:RateLimits:FeedReadsPerUser"] = "2";
        _silo = await RegionalSilo.BuildAsync(settings.ToConfiguration());
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* in /tmp */ }
    }

    private HttpClient Client(string token) => new HttpClient { BaseAddress = new Uri(_endpoints.HttpUrl) }.WithToken(token);

    [Fact]
    public async Task A_user_past_its_limit_gets_429_with_retry_after_while_another_user_still_gets_in_until_the_address_limit()
    {
        // Sent in concurrent bursts until refused, not one by one: on a loaded machine requests sent in turn can come
        // no faster than the bucket refills, and the limit would never show.
        using var greedy = Client(TestTokens.For("greedy"));
        var answers = await UntilRefusedAsync(_ => greedy.GetAsync("/api/portfolios/none"));
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(answers.Count - limited.Count >= 8, $"{answers.Count - limited.Count} admitted"); // a burst of 8 first
        Assert.All(answers.Except(limited), a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode)); // admitted ones did their work
        Assert.True(int.Parse(limited[0].Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("application/problem+json", limited[0].Content.Headers.ContentType?.MediaType);

        // Another user from the same address is not held back by greedy's bucket, until the address's runs out (20):
        // each of the users after it asks once, so only the address's bucket can refuse them.
        using var polite = Client(TestTokens.For("polite"));
        Assert.Equal(HttpStatusCode.NotFound, (await polite.GetAsync("/api/portfolios/none")).StatusCode);
        var fromAddress = await UntilRefusedAsync(async i =>
        {
            using var someone = Client(TestTokens.For($"user-{i}"));
            return await someone.GetAsync("/api/portfolios/none");
        });
        Assert.All(fromAddress, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));
        answers.Concat(fromAddress).ToList().ForEach(a => a.Dispose());
    }

    /// <summary>Bursts of 20 concurrent requests (numbered from 0 across bursts) until one is refused with 429; fails after a minute.</summary>
    private static async Task<List<HttpResponseMessage>> UntilRefusedAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        var answers = new List<HttpResponseMessage>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!answers.Any(a => a.StatusCode == HttpStatusCode.TooManyRequests))
        {
            Assert.True(DateTime.UtcNow < deadline, $"none of {answers.Count} requests was refused");
            var first = answers.Count;
            answers.AddRange(await Task.WhenAll(Enumerable.Range(first, 20).Select(send)));
        }

        return answers;
    }

    [Fact]
    public async Task The_sync_api_is_rate_limited_per_user_and_the_liveness_probe_is_not()
    {
        using var op = Client(TestTokens.For("ops", HauntPolicies.OperatorRole));
        using var other = Client(TestTokens.For("other-ops", HauntPolicies.OperatorRole));
        using var anonymous = new HttpClient { BaseAddress = new Uri(_endpoints.HttpUrl) };
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await op.GetAsync("/api/sync/queue");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.RetryAfter is not null);
            }
        }

        Assert.True(answers.Count(a => a == HttpStatusCode.TooManyRequests) >= 8, string.Join(", ", answers)); // a burst of 6, plus 3 a second
        Assert.All(answers.Where(a => a != HttpStatusCode.TooManyRequests), a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/sync/health")).StatusCode); // another user has a bucket of its own
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/sync/ping")).StatusCode);
        }
    }

    [Fact]
    public async Task A_user_with_two_change_feed_streams_open_gets_429_for_a_third_until_one_closes_and_another_user_still_reads()
    {
        using var hoarder = Client(TestTokens.For("feed-hoarder"));
        using var other = Client(TestTokens.For("feed-other"));
        var streams = new List<HttpResponseMessage>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes");
            request.Headers.Accept.ParseAdd("text/event-stream");
            streams.Add(await hoarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
        }

        Assert.All(streams, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        using (var third = await hoarder.GetAsync("/api/changes?wait=1"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
            Assert.Contains("FeedReadsPerUser", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/changes")).StatusCode); // a limit per user
        Assert.Equal(HttpStatusCode.NotFound, (await hoarder.GetAsync("/api/changes/checkpoints/none")).StatusCode); // checkpoints are not feed reads

        streams[0].Dispose(); // the client goes: its read ends and frees its place
        await Eventually.WaitUntilAsync(async () =>
        {
            using var again = await hoarder.GetAsync("/api/changes");
            return again.StatusCode == HttpStatusCode.OK;
        }, "a third read is admitted once one of the two streams closed");
        streams[1].Dispose();
    }

    [Fact]
    public async Task During_a_signing_key_rotation_tokens_of_the_new_and_the_old_key_are_accepted_and_others_are_not()
    {
        using var oldKey = Client(TestTokens.For("rotating"));
        using var newKey = Client(TokenIssuer.Mint(new AuthSettings { SigningKeys = [s_newKey] }, "rotating", [], TimeSpan.FromHours(1)));
        using var unknownKey = Client(TokenIssuer.Mint(new AuthSettings { SigningKeys = [Convert.ToBase64String(new byte[32])] }, "rotating", [], TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.OK, (await oldKey.GetAsync("/api/sync/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newKey.GetAsync("/api/sync/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknownKey.GetAsync("/api/sync/health")).StatusCode);
    }
}
