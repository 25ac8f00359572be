using System.Security.Claims;
using Haunt.Silo.Security;

namespace Haunt.Silo.Api;

/// <summary>
/// The change feed of this region (issue 23): every change it stored, its own writes and those applied from peers, in
/// its commit order, deletes included, each with its whole state and a token to resume after it. A user reads the
/// changes of their own portfolios (a portfolio and everything that belongs to it); an operator reads all. Changes
/// older than Haunt:Sync:FeedRetention are pruned: a token from before that gets 410 Gone.
/// </summary>
public static class ChangeFeedEndpoints
{
    public const int MaxLimit = 1000;
    public const int MaxWaitSeconds = 30;
    private const int DefaultLimit = 100;

    /// <summary>How often a waiting reader reads the store again without a signal (changes committed by the region's other silos).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a server-sent event stream stays silent at most: a heartbeat event then tells the client it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapChangeFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/changes").WithTags("Change feed").ProducesDomainProblems(StatusCodes.Status404NotFound)
            .MapGet("", ChangesAsync).Produces<FeedResponse>().Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Changes after `since` (a token; `now`: from the latest; none: from the oldest kept) in this region's commit order, " +
                "at most `limit` (1–1000, default 100), of `types` (comma-separated) and `portfolio` if given; `next` is the token to read on from. " +
                "`wait` (0–30 s): when there is nothing yet, answer as soon as there is or when the wait ends (long-poll). With `Accept: text/event-stream` " +
                "the answer is a stream of server-sent events, one `change` per change with its token as the event id (resume with `Last-Event-ID`), " +
                "and a `heartbeat` after 15 s of silence.");
        app.MapGroup("/api/changes").WithTags("Change feed").ProducesDomainProblems(StatusCodes.Status404NotFound)
            .MapGet("/snapshot", SnapshotAsync).Produces<SnapshotResponse>().ProducesValidationProblem()
            .WithSummary("The current live states the caller may see, a page at a time (`limit`, `cursor` = the previous page's `next`), of `types` and " +
                "`portfolio` if given; the first page's `token` is where to follow the feed from once every page is read.");
        return app;
    }

    private static async Task<IResult> ChangesAsync(string? since, string? types, string? portfolio, int? limit, int? wait, HttpContext http,
        ClaimsPrincipal user, IRegionalStore store, SiloRegion region, FeedSignal signal, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxLimit}.");
        }

        if (wait is < 0 or > MaxWaitSeconds)
        {
            return ApiErrors.BadQuery("wait", $"wait must be 0–{MaxWaitSeconds} seconds.");
        }

        var streaming = http.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        if (streaming && http.Request.Headers["Last-Event-ID"] is [{ Length: > 0 } lastEventId])
        {
            since = lastEventId; // a reconnecting event source resumes after the last event it received
        }

        if (ParseTypes(types) is not { } typeList)
        {
            return ApiErrors.BadQuery("types", $"types is a comma-separated list of {string.Join(", ", EntityTypes.All.Select(t => t.Type))}.");
        }

        var bounds = await store.FeedBoundsAsync(cancellationToken);
        long after;
        if (since is null)
        {
            after = bounds.PrunedThrough;
        }
        else if (since == "now")
        {
            after = bounds.LatestSeq;
        }
        else if (!FeedToken.TryParse(since, out var token, out var problem))
        {
            return ApiErrors.BadQuery("since", problem);
        }
        else if (token.Region != region.Name)
        {
            return ApiErrors.BadQuery("since", $"The token is {token.Region}'s; this is {region.Name}, whose feed has an order of its own. Read {token.Region}'s feed, or start here from since=now.");
        }
        else if (token.Seq < bounds.PrunedThrough)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The token is older than the feed keeps",
                detail: $"Changes up to {new FeedToken(region.Name, bounds.PrunedThrough)} were pruned (Haunt:Sync:FeedRetention), so some after your token are gone. " +
                    "Start again from now (since=now), or read the current state first and then the changes after it.");
        }
        else
        {
            after = token.Seq;
        }

        var owner = user.IsInRole(HauntPolicies.OperatorRole) ? null : user.FindFirst(HauntPolicies.UserClaim)?.Value ?? "";
        if (portfolio is not null && owner is not null && !await TradingServices.Owns(store, portfolio, owner, cancellationToken))
        {
            throw new EntityNotFoundException(nameof(EntityType.Portfolio), portfolio);
        }

        var json = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var reader = new FeedReader(store, signal, region.Name, new FeedQuery(after, limit ?? DefaultLimit, typeList, portfolio, owner), json);
        if (streaming)
        {
            return TypedResults.ServerSentEvents(reader.StreamAsync(HeartbeatInterval, cancellationToken));
        }

        var page = await reader.NextPageAsync(TimeSpan.FromSeconds(wait ?? 0), cancellationToken);
        return TypedResults.Ok(new FeedResponse([.. page.Changes.Select(c => FeedEntry.Of(region.Name, c))], new FeedToken(region.Name, page.LastSeq).ToString()));
    }

    /// <summary>
    /// The current live states the caller may see (a page at a time, by type then id), and on the first page the token to
    /// follow the feed from afterwards: taken before the first state is read, so nothing committed later is missed.
    /// </summary>
    private static async Task<IResult> SnapshotAsync(string? types, string? portfolio, string? cursor, int? limit, ClaimsPrincipal user, IRegionalStore store,
        SiloRegion region, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxLimit}.");
        }

        if (ParseTypes(types) is not { } typeList)
        {
            return ApiErrors.BadQuery("types", $"types is a comma-separated list of {string.Join(", ", EntityTypes.All.Select(t => t.Type))}.");
        }

        var (startType, afterId) = (EntityTypes.All.Min(t => t.Type), "");
        if (cursor is not null && !TryParseCursor(cursor, out startType, out afterId))
        {
            return ApiErrors.BadQuery("cursor", "cursor is the `next` of the page before (Type/id).");
        }

        var owner = user.IsInRole(HauntPolicies.OperatorRole) ? null : user.FindFirst(HauntPolicies.UserClaim)?.Value ?? "";
        if (portfolio is not null && owner is not null && !await TradingServices.Owns(store, portfolio, owner, cancellationToken))
        {
            throw new EntityNotFoundException(nameof(EntityType.Portfolio), portfolio);
        }

        var token = cursor is null ? new FeedToken(region.Name, (await store.FeedBoundsAsync(cancellationToken)).LatestSeq).ToString() : null;
        var size = limit ?? DefaultLimit;
        var states = new List<EntityState>();
        foreach (var type in EntityTypes.All.Select(t => t.Type).Where(t => t >= startType && (typeList.Count == 0 || typeList.Contains(t))).Order())
        {
            var page = await store.LiveStatesAsync(type, type == startType ? afterId : "", size - states.Count, portfolio, owner, cancellationToken);
            states.AddRange(page);
            if (states.Count == size)
            {
                return TypedResults.Ok(new SnapshotResponse(token, [.. states.Select(SnapshotEntry.Of)], $"{type}/{page[^1].Id}"));
            }
        }

        return TypedResults.Ok(new SnapshotResponse(token, [.. states.Select(SnapshotEntry.Of)], null));
    }

    private static bool TryParseCursor(string cursor, out EntityType type, out string afterId)
    {
        var slash = cursor.IndexOf('/', StringComparison.Ordinal);
        afterId = slash < 0 ? "" : cursor[(slash + 1)..];
        return Enum.TryParse(slash < 0 ? "" : cursor[..slash], out type) && Enum.IsDefined(type) && !int.TryParse(cursor[..slash], out _)
            && (afterId.Length == 0 || EntityIds.IsWellFormed(afterId));
    }

    /// <summary>The types named (an empty list for none), or null when one is not a type.</summary>
    private static List<EntityType>? ParseTypes(string? types)
    {
        var list = new List<EntityType>();
        foreach (var name in (types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<EntityType>(name, ignoreCase: true, out var type) || !Enum.IsDefined(type) || int.TryParse(name, out _))
            {
                return null;
            }

            list.Add(type);
        }

        return list;
    }
}
