using Haunt.Silo.Security;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Microsoft.Playwright;

namespace Haunt.Tests.Browser;

/// <summary>
/// The sync console in a real browser, against the three real regions of the API tests: it loads in each region
/// without console errors, draws three regions and three links, shows a cut link as cut within 3 s, shows a
/// conflict with both versions, starts a reconciliation round, follows its region's change feed, and fits a phone's width.
/// </summary>
[Collection(SqliteApiCollection.Name)]
public sealed class ConsoleTests(SqliteApiHost host, Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly string s_operator = TestTokens.For("console-operator", HauntPolicies.OperatorRole);

    /// <summary>A page of the console in <paramref name="region"/>, opened as the operator; errors the page logs are collected.</summary>
    private static readonly string s_auditor = TestTokens.For("console-auditor", HauntPolicies.OperatorRole, HauntPolicies.AuditorRole);

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string region, int width = 1280, int height = 900, string? token = null)
    {
        var context = await chromium.Require().NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync($"{host.Urls[region]}?access_token={token ?? s_operator}");
        await Assertions.Expect(page.Locator("section.region")).ToHaveCountAsync(3);
        return (page, errors);
    }

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task The_console_loads_in_each_region_without_errors_and_draws_three_regions_and_their_links(string region)
    {
        var (page, errors) = await OpenAsync(region);
        await using var _ = page.Context;

        var answered = page.Locator("#answered");
        await Assertions.Expect(answered).ToContainTextAsync($"answered by {region}");
        var first = await answered.TextContentAsync();
        await Assertions.Expect(answered).Not.ToHaveTextAsync(first!, new() { Timeout = 5000 }); // it refreshed by itself
        await Assertions.Expect(page.Locator("#map line[data-link]")).ToHaveCountAsync(3);
        foreach (var r in KnownRegions.All)
        {
            await Assertions.Expect(page.Locator($"section.region[data-region='{r}'] [data-figure='entities'] b")).Not.ToHaveTextAsync("…");
        }

        await Assertions.Expect(page.Locator("#convergence")).Not.ToHaveAttributeAsync("data-converged", "unknown");
        Assert.DoesNotContain("access_token", page.Url, StringComparison.Ordinal); // the token went into a cookie, not the history
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task A_link_cut_at_the_fault_seam_shows_as_cut_within_3_seconds_and_heals()
    {
        var (page, errors) = await OpenAsync(KnownRegions.Osaka);
        await using var _ = page.Context;
        var link = page.Locator("#map line[data-link='osaka-seoul']");
        await Assertions.Expect(link).Not.ToHaveAttributeAsync("data-state", "cut");

        host.Cut(KnownRegions.Osaka, KnownRegions.Seoul);
        try
        {
            await Assertions.Expect(link).ToHaveAttributeAsync("data-state", "cut", new() { Timeout = 3000 });
            await Assertions.Expect(page.Locator("#link-list li[data-link='osaka-seoul']")).ToContainTextAsync("since");
            await Assertions.Expect(page.Locator("section.region[data-region='seoul']")).ToHaveAttributeAsync("data-reachable", "false");
        }
        finally
        {
            host.HealAll();
        }

        await Assertions.Expect(link).Not.ToHaveAttributeAsync("data-state", "cut", new() { Timeout = 10_000 });
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task A_conflict_made_by_the_test_shows_an_operator_no_states_and_an_auditor_both_versions_the_winner_and_the_policy()
    {
        chromium.Require();
        var id = $"console-{Guid.NewGuid():N}";
        host.Cut(KnownRegions.Osaka, KnownRegions.Seoul);
        try
        {
            await host.GrainsOf(KnownRegions.Osaka).GetGrain<IProfileGrain>(EntityKey.Of(KnownRegions.Osaka, id)).PutAsync(new Profile(id, "written in osaka", null, 1));
            await host.GrainsOf(KnownRegions.Seoul).GetGrain<IProfileGrain>(EntityKey.Of(KnownRegions.Seoul, id)).PutAsync(new Profile(id, "written in seoul", null, 2));
        }
        finally
        {
            host.HealAll();
        }

        await Eventually.WaitUntilAsync(async () => (await host.Http[KnownRegions.Osaka].GetJsonAsync("/api/sync/conflicts?limit=1000")).EnumerateArray()
            .Any(c => c.GetProperty("entityId").GetString() == id), "osaka logged the conflict");
        // An operator sees the conflict but not what the user's entity held.
        var (asOperator, operatorErrors) = await OpenAsync(KnownRegions.Osaka);
        await using (asOperator.Context)
        {
            await asOperator.Locator($"#conflicts tr[data-conflict='{id}']").ClickAsync();
            await Assertions.Expect(asOperator.Locator("#conflict-detail [data-version='local']")).ToContainTextAsync("auditor role");
            await Assertions.Expect(asOperator.Locator("#conflict-detail")).Not.ToContainTextAsync("written in");
            Assert.Empty(operatorErrors);
        }

        var (page, errors) = await OpenAsync(KnownRegions.Osaka, token: s_auditor);
        await using var _ = page.Context;

        await page.Locator($"#conflicts tr[data-conflict='{id}']").ClickAsync();

        var detail = page.Locator("#conflict-detail");
        await Assertions.Expect(detail).ToContainTextAsync("last-writer-wins");
        await Assertions.Expect(detail.Locator("[data-version='local']")).ToContainTextAsync("written in osaka");
        await Assertions.Expect(detail.Locator("[data-version='remote']")).ToContainTextAsync("written in seoul");
        await Assertions.Expect(detail.Locator(".version.winner")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#conflict-counts [data-type='Profile']")).ToBeVisibleAsync();
        Assert.Empty(errors);
        await Assertions.Expect(page.Locator("#convergence")).ToHaveAttributeAsync("data-converged", "true", new() { Timeout = 30_000 }); // leaves the regions equal

    }

    [SkippableFact]
    public async Task Signing_out_ends_the_session_and_a_new_token_in_the_url_signs_in_as_someone_else()
    {
        var (page, errors) = await OpenAsync(KnownRegions.Seoul);
        await using var _ = page.Context;
        Assert.Single(await page.Context.CookiesAsync(), c => c.Name == BrowserSignIn.CookieName && c.HttpOnly);

        await page.Locator("#signout button").ClickAsync();

        await Assertions.Expect(page.Locator("#signed-out")).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == BrowserSignIn.CookieName);
        // The page itself holds no data and still loads; its API calls now have no token, so it asks for one.
        await page.GotoAsync(host.Urls[KnownRegions.Seoul].ToString());
        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();

        // Signed in again as a user without the operator role: that token is the one the page now carries.
        var page2 = await page.GotoAsync($"{host.Urls[KnownRegions.Seoul]}dashboard/?access_token={TestTokens.For("judy")}");
        Assert.Equal(403, page2!.Status);
        Assert.DoesNotContain("access_token", page.Url, StringComparison.Ordinal);
        // The 401s and the 403 were meant; no script failed on them.
        Assert.DoesNotContain(errors, e => !e.StartsWith("Failed to load resource: the server responded with a status of 40", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_portfolio_opened_in_seoul_appears_in_osakas_last_changes_and_the_cards_show_the_feeds_consumer_groups()
    {
        var (page, errors) = await OpenAsync(KnownRegions.Osaka);
        await using var _ = page.Context;
        using var trader = host.Client(KnownRegions.Seoul, TestTokens.For("console-feed-trader"));

        var id = await trader.CreatePortfolioAsync();

        // Replicated to osaka, stored there, and delivered to the page's long-poll of osaka's feed.
        var row = page.Locator($"#changes tr[data-change='Portfolio/{id}']");
        await Assertions.Expect(row).ToContainTextAsync(KnownRegions.Seoul, new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-operation", "Insert");
        await Assertions.Expect(page.Locator("#changes-where")).ToContainTextAsync("osaka's commit order");
        foreach (var region in KnownRegions.All)
        {
            var groups = (await host.Http[region].GetJsonAsync("/api/sync/health")).GetProperty("feed").GetProperty("groups").GetInt64();
            await Assertions.Expect(page.Locator($"section.region[data-region='{region}'] .feed")).ToHaveAttributeAsync("data-groups", groups.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task The_reconcile_button_starts_a_round()
    {
        var (page, errors) = await OpenAsync(KnownRegions.Nyc);
        await using var _ = page.Context;

        await page.Locator("#reconcile").ClickAsync();

        await Assertions.Expect(page.Locator("#reconcile-result")).ToContainTextAsync("started by nyc with osaka, seoul");
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task The_console_fits_a_phone_and_a_1280_px_screen_and_is_photographed_for_the_docs()
    {
        foreach (var (width, height, name) in new[] { (1280, 900, "console-1280.png"), (390, 844, "console-phone.png") })
        {
            var (page, errors) = await OpenAsync(KnownRegions.Osaka, width, height);
            await using var _ = page.Context;
            await Assertions.Expect(page.Locator("#convergence")).Not.ToHaveAttributeAsync("data-converged", "unknown");

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"at {width} px the page is {overflow} px wider than the screen");
            var shot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
            Assert.True(shot.Length > 10_000, $"{name}: {shot.Length} bytes");
            // HAUNT_SCREENSHOTS=<folder> keeps them (docs/ is where the README's come from).
            if (Environment.GetEnvironmentVariable("HAUNT_SCREENSHOTS") is { Length: > 0 } folder)
            {
                await File.WriteAllBytesAsync(System.IO.Path.Combine(folder, name), shot);
            }

            Assert.Empty(errors);
        }
    }
}
