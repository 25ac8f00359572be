using Haunt.Grains.Replication;
using Haunt.Abstractions.Trading;
using System.Security.Claims;
using Haunt.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>
/// Trading over HTTP, in this silo's region: portfolios, orders, positions, trades. Grains are keyed
/// "region/id" with this silo's region, so what is created here has its home here. Ids are checked for form
/// and looked up in the regional store before a grain is called, so an unknown id never activates one. A
/// portfolio belongs to the user who opened it (the token's subject, which replicates with it): anyone else is
/// answered 404, as if it did not exist.
/// Unknown ids, refused operations and an unreachable home region arrive as domain exceptions and become
/// ProblemDetails in <see cref="ApiExceptionHandler"/>.
/// </summary>
public static class TradingEndpoints
{
    private const int MaxPage = 1000;
    private const int DefaultPage = 100;

    public static IEndpointRouteBuilder MapTradingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Trading").ProducesDomainProblems(
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/portfolios", CreatePortfolioAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Opens a portfolio whose home is this region.");
        api.MapGet("/portfolios/{id}", GetPortfolioAsync).WithSummary("A portfolio: cash and owner.");
        api.MapPost("/portfolios/{id}/orders", PlaceOrderAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Places an order: a market order fills now at the simulated price, a limit order rests until the price crosses.");
        // POST .../cancel for clients that cannot send DELETE; both do the same.
        api.MapPost("/portfolios/{id}/orders/{orderId}/cancel", CancelOrderAsync).WithSummary("Cancels a resting order (409 if it is no longer open).");
        api.MapDelete("/portfolios/{id}/orders/{orderId}", CancelOrderAsync).WithSummary("Cancels a resting order (409 if it is no longer open).");
        api.MapGet("/orders/{id}", GetOrderAsync).WithSummary("An order and its status.");
        api.MapGet("/portfolios/{id}/positions", ListPositionsAsync).WithSummary("Positions of a portfolio, a page at a time: `limit` (1–1000, default 100), `after` = the last id of the previous page.");
        api.MapGet("/portfolios/{id}/trades", ListTradesAsync).WithSummary("Trades (fills) of a portfolio, a page at a time: `limit` (1–1000, default 100), `after` = the last id of the previous page.");
        return app;
    }

    private static async Task<Results<Created<Portfolio>, ProblemHttpResult>> CreatePortfolioAsync(CreatePortfolioRequest body, [AsParameters] TradingServices services)
    {
        if (body.Invalid() is { } invalid)
        {
            return ApiErrors.Unprocessable(invalid.Field, invalid.Message);
        }

        var portfolio = await services.Grains.GetGrain<IPortfolioOpenerGrain>(services.UserId).OpenAsync(body.StartingCash!.Value, services.Aborted);
        return TypedResults.Created($"/api/portfolios/{portfolio.Id}", portfolio);
    }

    private static async Task<Ok<Portfolio>> GetPortfolioAsync(string id, [AsParameters] TradingServices services) =>
        TypedResults.Ok(await (await services.ExistingPortfolioAsync(id)).GetAsync(services.Aborted) ?? throw new EntityNotFoundException("Portfolio", id));

    private static async Task<Results<Created<Order>, ProblemHttpResult>> PlaceOrderAsync(string id, PlaceOrderRequest body, [AsParameters] TradingServices services)
    {
        if (body.Invalid() is { } invalid)
        {
            return ApiErrors.Unprocessable(invalid.Field, invalid.Message);
        }

        var order = await (await services.ExistingPortfolioAsync(id)).PlaceOrderAsync(body.ToCommand());
        return TypedResults.Created($"/api/orders/{order.Id}", order);
    }

    private static async Task<Ok<Order>> CancelOrderAsync(string id, string orderId, [AsParameters] TradingServices services)
    {
        var portfolio = await services.ExistingPortfolioAsync(id);
        return EntityIds.IsWellFormed(orderId)
            ? TypedResults.Ok(await portfolio.CancelOrderAsync(orderId))
            : throw new EntityNotFoundException("Order", orderId);
    }

    private static async Task<Ok<Order>> GetOrderAsync(string id, [AsParameters] TradingServices services)
    {
        var stored = await services.RequireStoredAsync(EntityType.Order, id);
        if (stored.PortfolioId is null || !await services.OwnsAsync(stored.PortfolioId))
        {
            throw new EntityNotFoundException("Order", id);
        }

        return TypedResults.Ok(await services.Grains.GetGrain<IOrderGrain>(EntityKey.Of(services.Region.Name, id)).GetAsync(services.Aborted)
            ?? throw new EntityNotFoundException("Order", id));
    }

    private static Task<Results<Ok<List<Position>>, ValidationProblem>> ListPositionsAsync(string id, int? limit, string? after, [AsParameters] TradingServices services) =>
        ListAsync<Position>(id, EntityType.Position, limit, after, services);

    private static Task<Results<Ok<List<Trade>>, ValidationProblem>> ListTradesAsync(string id, int? limit, string? after, [AsParameters] TradingServices services) =>
        ListAsync<Trade>(id, EntityType.Trade, limit, after, services);

    /// <summary>One page in id order: the next page starts after the last id of this one; a page shorter than the limit is the last.</summary>
    private static async Task<Results<Ok<List<T>>, ValidationProblem>> ListAsync<T>(string portfolioId, EntityType type, int? limit, string? after, TradingServices services)
    {
        if (limit is < 1 or > MaxPage)
        {
            return ApiErrors.BadQuery("limit", $"limit must be 1–{MaxPage}.");
        }

        await services.ExistingPortfolioAsync(portfolioId);
        var rows = await services.Store.ListByPortfolioAsync(type, portfolioId, after, limit ?? DefaultPage, services.Aborted);
        return TypedResults.Ok(rows.Select(s => StateJson.Deserialize<T>(s.Payload)).ToList());
    }
}

/// <summary>What the trading handlers use, bound from DI and the request (the caller).</summary>
/// <param name="Aborted">The request's own token: reads stop when the client goes away (writes run to their commit).</param>
public sealed record TradingServices(IGrainFactory Grains, IRegionalStore Store, SiloRegion Region, ClaimsPrincipal User, CancellationToken Aborted)
{
    /// <summary>The caller: the token's subject (authentication guarantees there is one).</summary>
    public string UserId => User.FindFirst(HauntPolicies.UserClaim)?.Value ?? throw new InvalidOperationException("An unauthenticated request reached a trading handler.");

    public IPortfolioGrain Portfolio(string id) => Grains.GetGrain<IPortfolioGrain>(EntityKey.Of(Region.Name, id));

    /// <summary>The portfolio's grain, once its id is well formed, the region holds it and the caller owns it (404 otherwise).</summary>
    public async Task<IPortfolioGrain> ExistingPortfolioAsync(string id)
    {
        if (!await OwnsAsync(id))
        {
            throw new EntityNotFoundException(nameof(EntityType.Portfolio), id);
        }

        return Portfolio(id);
    }

    /// <summary>Whether the caller owns the portfolio as this region stores it (false if it is not here, or malformed).</summary>
    public Task<bool> OwnsAsync(string portfolioId) => Owns(Store, portfolioId, UserId, Aborted);

    /// <summary>Whether <paramref name="user"/> owns the live portfolio as <paramref name="store"/> holds it (false if it is not there, or malformed).</summary>
    public static async Task<bool> Owns(IRegionalStore store, string portfolioId, string user, CancellationToken cancellationToken) =>
        EntityIds.IsWellFormed(portfolioId)
        && await store.ReadAsync(EntityType.Portfolio, portfolioId, cancellationToken) is { Deleted: false } stored
        && StateJson.Deserialize<Portfolio>(stored.Payload).Owner == user;

    /// <summary>The stored row; throws <see cref="EntityNotFoundException"/> unless the id is well formed and a live row exists here.</summary>
    public async Task<EntityState> RequireStoredAsync(EntityType type, string id) =>
        EntityIds.IsWellFormed(id) && await Store.ReadAsync(type, id, Aborted) is { Deleted: false } stored
            ? stored
            : throw new EntityNotFoundException(type.ToString(), id);
}
