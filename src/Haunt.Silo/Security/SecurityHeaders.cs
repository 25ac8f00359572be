namespace Haunt.Silo.Security;

/// <summary>
/// Response headers that keep a browser from being turned against the API or the console: no content sniffing, no
/// referrer leaving the page (a URL may carry ?access_token=), no framing by another site (clickjacking), HSTS
/// under HTTPS. The console's own pages (static files, no inline script or style) also get a strict content
/// security policy; the OpenAPI UI and the Orleans dashboard, which are not ours to change, get only the rest.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The console's policy: its own script, style and API only.</summary>
    public const string ConsolePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseHauntSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = IsConsole(context.Request.Path) ? ConsolePolicy : "frame-ancestors 'none'";
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }

    /// <summary>The console's pages and files: everything outside the API, the OpenAPI UI and the dashboard.</summary>
    private static bool IsConsole(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/scalar") && !path.StartsWithSegments("/openapi")
        && !path.StartsWithSegments(Api.ApiDocument.DashboardRoute);
}
