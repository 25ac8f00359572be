namespace Haunt.Silo.Api;

/// <summary>
/// While this region joins a running deployment (waiting to be admitted, or catching up) it holds only part of the
/// data: every call of the trading API is answered 503 "joining, retry" rather than with what it holds so far. The
/// sync API stays open, so operators watch the join in /api/sync/health and /api/sync/membership.
/// </summary>
public static class JoiningGate
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static IApplicationBuilder UseJoiningGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var region = context.RequestServices.GetRequiredService<SiloRegion>();
        if (region.Serving || !context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/api/sync"))
        {
            await next(context);
            return;
        }

        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            title: "Joining, retry",
            detail: $"{region.Name} is joining the deployment and does not hold all of its data yet; retry later or use another region.",
            statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
    });
}
