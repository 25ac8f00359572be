using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>
/// A portfolio's strategies over HTTP (what the bots keep between ticks): written whole with PUT, read with GET, by the
/// portfolio's owner only (anyone else: 404). A strategy is an eventual entity: written in the region the call reaches,
/// replicated to the others (a large update as a delta), concurrent writes resolved last-writer-wins.
/// </summary>
public static class StrategyEndpoints
{
    public static IEndpointRouteBuilder MapStrategyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/portfolios/{id}/strategies").WithTags("Trading").ProducesDomainProblems(
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        api.MapPut("/{strategyId}", PutAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Creates or replaces a strategy of the portfolio: name, parameters, enabled and its document (settings, price window, signals, model).");
        api.MapGet("/{strategyId}", GetAsync).WithSummary("A strategy of the portfolio.");
        return app;
    }

    private static async Task<Results<Ok<Strategy>, ProblemHttpResult>> PutAsync(string id, string strategyId, StrategyRequest body, [AsParameters] TradingServices services)
    {
        await services.ExistingPortfolioAsync(id);
        if (!EntityIds.IsWellFormed(strategyId))
        {
            throw new EntityNotFoundException(nameof(EntityType.Strategy), strategyId);
        }

        if (body.Invalid() is { } invalid)
        {
            return ApiErrors.Unprocessable(invalid.Field, invalid.Message);
        }

        // The grain checks the caller owns the portfolio of what it writes and of what it replaces.
        var strategy = body.ToStrategy(strategyId, id);
        await services.Grains.GetGrain<IStrategyGrain>(EntityKey.Of(services.Region.Name, strategyId)).PutAsync(strategy);
        return TypedResults.Ok(strategy);
    }

    private static async Task<Ok<Strategy>> GetAsync(string id, string strategyId, [AsParameters] TradingServices services)
    {
        await services.ExistingPortfolioAsync(id);
        var stored = await services.RequireStoredAsync(EntityType.Strategy, strategyId);
        return stored.PortfolioId == id
            ? TypedResults.Ok(StateJson.Deserialize<Strategy>(stored.Payload))
            : throw new EntityNotFoundException(nameof(EntityType.Strategy), strategyId);
    }
}
