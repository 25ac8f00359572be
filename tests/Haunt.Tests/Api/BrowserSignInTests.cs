using System.Net.Http.Json;
using System.Net;
using Haunt.Silo.Security;

namespace Haunt.Tests.Api;

/// <summary>
/// Issue 20, item 5: a browser signs in by opening a page with ?access_token= once. The token is validated before it
/// is kept, wins over an older cookie, is taken on page GETs only, leaves the URL by a redirect, and a sign-out drops
/// it. (The same in a real browser: ConsoleTests; the __Host- cookie under HTTPS: TlsTests.)
/// </summary>
[Collection(SqliteApiCollection.Name)]
public sealed class BrowserSignInTests(SqliteApiHost host)
{
    [Fact]
    public async Task A_page_opened_with_a_valid_token_keeps_it_in_a_cookie_and_goes_to_its_url_without_it()
    {
        using var browser = host.BareClient(KnownRegions.Osaka);
        var token = TestTokens.For("erin", HauntPolicies.OperatorRole);

        using var opened = await browser.GetAsync($"/dashboard/?access_token={token}&tab=grains");

        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/dashboard/?tab=grains", opened.Headers.Location!.OriginalString);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{BrowserSignIn.CookieName}={token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        using var next = await SendWithCookieAsync(browser, "/dashboard/?tab=grains", token);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_token_that_does_not_validate_is_not_kept()
    {
        using var browser = host.BareClient(KnownRegions.Seoul);
        var forged = TestTokens.For("erin", HauntPolicies.OperatorRole)[..^4] + "AAAA";

        using var opened = await browser.GetAsync($"/dashboard/?access_token={forged}");

        Assert.Equal(HttpStatusCode.Unauthorized, opened.StatusCode);
        Assert.False(opened.Headers.Contains("Set-Cookie"), "a token that did not validate was stored");
    }

    [Fact]
    public async Task A_fresh_token_in_the_url_wins_over_the_cookie_of_an_earlier_sign_in()
    {
        using var browser = host.BareClient(KnownRegions.Nyc);
        var (operatorToken, userToken) = (TestTokens.For("frank", HauntPolicies.OperatorRole), TestTokens.For("grace"));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dashboard/?access_token={userToken}");
        request.Headers.Add("Cookie", $"{BrowserSignIn.CookieName}={operatorToken}");
        using var switched = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.StartsWith($"{BrowserSignIn.CookieName}={userToken};", Assert.Single(switched.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        using var asGrace = await SendWithCookieAsync(browser, "/dashboard/", userToken);
        Assert.Equal(HttpStatusCode.Forbidden, asGrace.StatusCode); // grace is no operator: her token is the one in use now
    }

    [Fact]
    public async Task A_token_in_the_url_is_not_taken_by_the_api_or_by_a_write()
    {
        using var browser = host.BareClient(KnownRegions.Osaka);
        var token = TestTokens.For("heidi", HauntPolicies.OperatorRole);

        using var read = await browser.GetAsync($"/api/sync/health?access_token={token}");
        using var write = await browser.PostAsync($"/signout?access_token={token}", null);
        using var create = await browser.PostAsync($"/api/portfolios?access_token={token}", JsonContent.Create(new { startingCash = 1000m }));

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.False(write.Headers.TryGetValues("Set-Cookie", out var kept) && kept.Any(c => c.StartsWith($"{BrowserSignIn.CookieName}={token}", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
    }

    [Fact]
    public async Task Signing_out_drops_the_cookie()
    {
        using var browser = host.BareClient(KnownRegions.Seoul);

        using var signedOut = await browser.PostAsync("/signout", null);

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        var dropped = signedOut.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"{BrowserSignIn.CookieName}=;", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", dropped, StringComparison.OrdinalIgnoreCase);
    }

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient browser, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{BrowserSignIn.CookieName}={token}");
        return browser.SendAsync(request);
    }
}
