using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Haunt.Silo.Security;

/// <summary>Requests per second on the trading endpoints (section Haunt:RateLimits), per user and per client address; bursts of twice that.</summary>
public sealed class RateLimitSettings
{
    public int PerUser { get; set; } = 100;

    public int PerAddress { get; set; } = 300;
}

/// <summary>
/// Keeps one user or one client address from crowding out the others on the trading endpoints: a token bucket
/// each, both must admit a request. A refused one gets 429 ProblemDetails with Retry-After, before any work.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddHauntRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Limiter(settings.PerUser, c => "user:" + (c.User.FindFirst(HauntPolicies.UserClaim)?.Value ?? "")),
                Limiter(settings.PerAddress, c => "address:" + c.Connection.RemoteIpAddress));
            o.OnRejected = async (context, cancel) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Slow down: retry after {retryAfter} s.",
                    },
                });
            };
        });
        return services;
    }

    /// <summary>Only trading requests count: the sync API and the pages an operator opens are not limited here.</summary>
    private static PartitionedRateLimiter<HttpContext> Limiter(int perSecond, Func<HttpContext, string> key) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => IsTrading(context.Request.Path)
            ? RateLimitPartition.GetTokenBucketLimiter(key(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2 * perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));

    private static bool IsTrading(PathString path) =>
        path.StartsWithSegments("/api/portfolios") || path.StartsWithSegments("/api/orders");
}
