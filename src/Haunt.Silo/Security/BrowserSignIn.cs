using Microsoft.AspNetCore.Http.Extensions;

namespace Haunt.Silo.Security;

/// <summary>
/// How a browser signs in to a silo's pages (the console, the dashboard, the API reference), which cannot send an
/// Authorization header of their own: it opens a page once with ?access_token=. That token is taken only on a page
/// GET (never on /api/*, never on a write), wins over any cookie an earlier sign-in left, and only once it has been
/// validated like any bearer token is it kept, in an HttpOnly, SameSite=Strict cookie (under HTTPS
/// "__Host-haunt_token", Secure); the browser is then sent to the same URL without it, so the token is in neither the
/// address bar nor the history. POST /signout drops the cookie.
/// </summary>
public static class BrowserSignIn
{
    public const string CookieName = "haunt_token";
    public const string SecureCookieName = "__Host-haunt_token";
    public const string QueryKey = "access_token";
    private const string FromQuery = "haunt.token-from-query";

    /// <summary>The cookie this request's browser keeps its token in: the __Host- one under HTTPS.</summary>
    public static string CookieNameFor(HttpRequest request) => request.IsHttps ? SecureCookieName : CookieName;

    /// <summary>
    /// The token the bearer handler should validate when the request has no Authorization header (which the handler
    /// reads itself): a page GET's query token, else the sign-in cookie.
    /// </summary>
    public static string? TokenOf(HttpRequest request)
    {
        if (!string.IsNullOrEmpty(request.Headers.Authorization))
        {
            return null;
        }

        if (IsPageGet(request) && request.Query[QueryKey].FirstOrDefault() is { Length: > 0 } fresh)
        {
            request.HttpContext.Items[FromQuery] = fresh;
            return fresh;
        }

        return request.Cookies[CookieNameFor(request)];
    }

    /// <summary>After authentication: a page opened with a token that validated keeps it in the cookie and is sent to its URL without it.</summary>
    public static bool KeepAndStrip(HttpContext context)
    {
        if (context.Items[FromQuery] is not string token || context.User.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        context.Response.Cookies.Append(CookieNameFor(context.Request), token, CookieOptions(context.Request));
        var query = QueryString.Create(context.Request.Query.Where(q => q.Key != QueryKey).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))));
        context.Response.Redirect(UriHelper.BuildRelative(context.Request.PathBase, context.Request.Path, query));
        return true;
    }

    /// <summary>POST /signout: drops the sign-in cookie (both names) and says so.</summary>
    public static IResult SignOut(HttpContext context)
    {
        foreach (var name in new[] { CookieName, SecureCookieName })
        {
            context.Response.Cookies.Delete(name, CookieOptions(context.Request));
        }

        return Results.Content("<!doctype html><html lang=\"en\"><title>Signed out</title><p id=\"signed-out\">Signed out of this silo's pages.</p></html>", "text/html");
    }

    private static bool IsPageGet(HttpRequest request) => HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api");

    private static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
    };
}
