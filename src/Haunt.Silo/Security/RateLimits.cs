using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Haunt.Silo.Security;

/// <summary>
/// Requests per second (section Haunt:RateLimits), bursts of twice that: on the trading endpoints per user and per
/// client address; on the sync API (operator reads, reconcile) per user; and change-feed reads open at once per user.
/// </summary>
public sealed class RateLimitSettings
{
    public int PerUser { get; set; } = 100;

    public int PerAddress { get; set; } = 300;

    /// <summary>
    /// The sync API per user: its reads scan the store (digests, convergence over every region, the outbox), so a
    /// client polling it without end must not take the region's store from replication. The console polls about once a
    /// second (overview every 2 s, conflicts every 3 s, convergence every 5 s); at 10/s, twelve operators hammering at
    /// 100K entities per region took replication to 0.40 of quiet (docs/benchmarks.md).
    /// </summary>
    public int SyncPerUser { get; set; } = 3;

    /// <summary>
    /// Change-feed reads a user may have open at once (server-sent-event streams and long-polls of /api/changes, and
    /// snapshot pages): each holds a connection and reads the store until it ends, so one client opening streams without
    /// end must not hold the silo's connections and store readers.
    /// </summary>
    public int FeedReadsPerUser { get; set; } = 8;
}

/// <summary>
/// Keeps one user or one client address from crowding out the others: on the trading endpoints a token bucket per
/// user and per address, both must admit a request; on the sync API one per user. A refused request gets 429
/// ProblemDetails with Retry-After, before any work.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddHauntRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Limiter(IsTrading, settings.PerUser, c => "user:" + UserOf(c)),
                Limiter(IsTrading, settings.PerAddress, c => "address:" + c.Connection.RemoteIpAddress),
                Limiter(IsSync, settings.SyncPerUser, c => "sync:" + UserOf(c)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsFeedRead(context.Request.Path)
                    ? RateLimitPartition.GetConcurrencyLimiter("feed:" + UserOf(context), _ => new ConcurrencyLimiterOptions { PermitLimit = settings.FeedReadsPerUser, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")));
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
                        Detail = IsFeedRead(context.HttpContext.Request.Path)
                            ? $"At most {settings.FeedReadsPerUser} change-feed reads open at once per user (Haunt:RateLimits:FeedReadsPerUser): close one, or retry after {retryAfter} s."
                            : $"Slow down: retry after {retryAfter} s.",
                    },
                });
            };
        });
        return services;
    }

    /// <summary>A token bucket per key for the requests <paramref name="counts"/> admits; the rest (pages, the liveness probe) pass.</summary>
    private static PartitionedRateLimiter<HttpContext> Limiter(Func<PathString, bool> counts, int perSecond, Func<HttpContext, string> key) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => counts(context.Request.Path)
            ? RateLimitPartition.GetTokenBucketLimiter(key(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2 * perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));

    private static string UserOf(HttpContext context) => context.User.FindFirst(HauntPolicies.UserClaim)?.Value ?? "";

    private static bool IsTrading(PathString path) =>
        path.StartsWithSegments("/api/portfolios") || path.StartsWithSegments("/api/orders");

    private static bool IsFeedRead(PathString path) => path.StartsWithSegments("/api/changes") && !path.StartsWithSegments("/api/changes/checkpoints");

    private static bool IsSync(PathString path) => path.StartsWithSegments("/api/sync") && !path.StartsWithSegments("/api/sync/ping");
}
