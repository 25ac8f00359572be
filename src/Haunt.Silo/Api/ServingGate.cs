namespace Haunt.Silo.Api;

/// <summary>
/// A region that does not hold, or no longer takes, what the trading API would answer says so instead (503, retry):
/// while it joins a running deployment (waiting to be admitted, or catching up) it holds only part of the data, so
/// every call is "joining, retry" rather than an answer from what it holds so far; while it leaves, reads are served
/// but every write is "leaving, retry" (its entities are being handed to the regions that stay); once it left, every
/// call is "removed". The sync API stays open, so operators watch in /api/sync/health and /api/sync/membership.
/// </summary>
public static class ServingGate
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static IApplicationBuilder UseServingGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var region = context.RequestServices.GetRequiredService<SiloRegion>();
        var request = context.Request;
        var refusal = !request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/api/sync") ? null
            : region.Removed ? ("Removed", $"{region.Name} left the deployment; use one of {string.Join(", ", region.Membership.Regions)}.")
            : !region.Serving ? ("Joining, retry", $"{region.Name} is joining the deployment and does not hold all of its data yet; retry later or use another region.")
            : region.Leaving && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
                ? ("Leaving, retry", $"{region.Name} is leaving the deployment and takes no new writes; write in {region.Membership.SuccessorOf(region.Name)} or another region.")
                : ((string Title, string Detail)?)null;
        if (refusal is not { } problem)
        {
            await next(context);
            return;
        }

        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TypedResults.Problem(title: problem.Title, detail: problem.Detail, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
    });
}
