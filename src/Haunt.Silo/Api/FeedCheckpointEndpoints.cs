using System.Security.Claims;
using Haunt.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Haunt.Silo.Api;

/// <summary>
/// Server-side checkpoints of the change feed (optional for a consumer): a consumer group stores the token it has
/// processed up to in the region's store, and reads it back after a restart, with how far behind it is and whether it
/// is stuck (behind and not advanced for Haunt:Sync:FeedStuckAfter). Groups are the caller's own: two users' groups of
/// the same name are two groups.
/// </summary>
public static class FeedCheckpointEndpoints
{
    private const int MaxGroups = 1000;

    public static IEndpointRouteBuilder MapFeedCheckpointApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/changes/checkpoints").WithTags("Change feed").ProducesDomainProblems(StatusCodes.Status404NotFound);
        api.MapPut("/{group}", PutAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Stores the token a consumer group has processed up to (`{token}`), in this region.");
        api.MapGet("/{group}", GetAsync).WithSummary("A consumer group's checkpoint: its token, when it was stored, how many changes and seconds it is behind, whether it is stuck.");
        api.MapGet("", ListAsync).WithSummary("The caller's consumer groups and how far behind each is.");
        return app;
    }

    private static async Task<Results<Ok<FeedCheckpointView>, ValidationProblem, ProblemHttpResult>> PutAsync(string group, CheckpointRequest body, ClaimsPrincipal user,
        IRegionalStore store, SiloRegion region, IOptionsMonitor<SyncOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!EntityIds.IsWellFormed(group))
        {
            return ApiErrors.BadQuery("group", $"A group name is 1–{EntityIds.MaxLength} letters, digits, '-' or '_'.");
        }

        if (body.Token is null)
        {
            return ApiErrors.Unprocessable("token", "A token is required.");
        }

        if (!FeedToken.TryParse(body.Token, out var token, out var problem))
        {
            return ApiErrors.Unprocessable("token", problem);
        }

        var bounds = await store.FeedBoundsAsync(cancellationToken);
        if (token.Region != region.Name || token.Seq > bounds.LatestSeq)
        {
            return ApiErrors.Unprocessable("token", token.Region != region.Name
                ? $"The token is {token.Region}'s; store it in {token.Region}."
                : $"The token is ahead of this region's feed (latest {new FeedToken(region.Name, bounds.LatestSeq)}).");
        }

        if (token.Seq < bounds.PrunedThrough)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The token is older than the feed keeps",
                detail: $"Changes up to {new FeedToken(region.Name, bounds.PrunedThrough)} were pruned; the group cannot resume from this token. Start again from since=now.");
        }

        var key = Key(user, group);
        await store.SaveCheckpointAsync(key, token.Seq, cancellationToken);
        return TypedResults.Ok(await ViewAsync((await store.CheckpointAsync(key, cancellationToken))!, group, store, region, options.CurrentValue, time, cancellationToken));
    }

    private static async Task<Ok<FeedCheckpointView>> GetAsync(string group, ClaimsPrincipal user, IRegionalStore store, SiloRegion region,
        IOptionsMonitor<SyncOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var checkpoint = EntityIds.IsWellFormed(group) ? await store.CheckpointAsync(Key(user, group), cancellationToken) : null;
        return checkpoint is null
            ? throw new EntityNotFoundException("Consumer group", group)
            : TypedResults.Ok(await ViewAsync(checkpoint, group, store, region, options.CurrentValue, time, cancellationToken));
    }

    private static async Task<Ok<List<FeedCheckpointView>>> ListAsync(ClaimsPrincipal user, IRegionalStore store, SiloRegion region,
        IOptionsMonitor<SyncOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var prefix = Key(user, "");
        var views = new List<FeedCheckpointView>();
        foreach (var checkpoint in await store.CheckpointsAsync(prefix, MaxGroups, cancellationToken))
        {
            views.Add(await ViewAsync(checkpoint, checkpoint.Group[prefix.Length..], store, region, options.CurrentValue, time, cancellationToken));
        }

        return TypedResults.Ok(views);
    }

    /// <summary>The stored name of a caller's group: its user's subject, then the group.</summary>
    private static string Key(ClaimsPrincipal user, string group) => $"{user.FindFirst(HauntPolicies.UserClaim)?.Value}/{group}";

    private static async Task<FeedCheckpointView> ViewAsync(FeedCheckpoint checkpoint, string group, IRegionalStore store, SiloRegion region, SyncOptions options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var lag = await store.LagAfterAsync(checkpoint.Seq, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var behindSeconds = lag.OldestCommittedAtMs is { } oldest ? Math.Max(0, now - oldest) / 1000.0 : 0;
        var stuck = lag.Changes > 0 && now - checkpoint.UpdatedAtMs > options.FeedStuckAfter.TotalMilliseconds;
        return new FeedCheckpointView(group, new FeedToken(region.Name, checkpoint.Seq).ToString(), checkpoint.UpdatedAtMs, lag.Changes, behindSeconds, stuck);
    }
}
