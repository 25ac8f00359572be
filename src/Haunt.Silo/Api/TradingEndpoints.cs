using Haunt.Trading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>
/// Trading over HTTP, in this silo's region: portfolios, orders, positions, trades. Grains are keyed
/// "region/id" with this silo's region, so what is created here has its home here. Unknown ids, refused
/// operations and an unreachable home region arrive as exceptions and become ProblemDetails in <see cref="ApiExceptionHandler"/>.
/// </summary>
public static class TradingEndpoints
{
    public static IEndpointRouteBuilder MapTradingApi(this IEndpointRouteBuilder app, string region)
    {
        var api = app.MapGroup("/api").WithTags("Trading").ProducesDomainProblems(
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        IPortfolioGrain Portfolio(IGrainFactory grains, string id) => grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, id));

        api.MapPost("/portfolios", async Task<Results<Created<Portfolio>, ProblemHttpResult>> (CreatePortfolioRequest body, IGrainFactory grains) =>
        {
            if (body.Invalid() is { } invalid)
            {
                return ApiErrors.Unprocessable(invalid.Field, invalid.Message);
            }

            var id = Guid.CreateVersion7().ToString("N");
            var portfolio = await Portfolio(grains, id).CreateAsync(body.Owner!, body.StartingCash!.Value);
            return TypedResults.Created($"/api/portfolios/{id}", portfolio);
        }).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).WithSummary("Opens a portfolio whose home is this region.");

        api.MapGet("/portfolios/{id}", async (string id, IGrainFactory grains) => TypedResults.Ok(await ExistingAsync(Portfolio(grains, id), id)))
            .WithSummary("A portfolio: cash and owner.");

        api.MapPost("/portfolios/{id}/orders", async Task<Results<Created<Order>, ProblemHttpResult>> (string id, PlaceOrderRequest body, IGrainFactory grains) =>
        {
            if (body.Invalid() is { } invalid)
            {
                return ApiErrors.Unprocessable(invalid.Field, invalid.Message);
            }

            // The grain would create nothing for an unknown portfolio either, but checking first gives a 404, not a 409.
            await ExistingAsync(Portfolio(grains, id), id);
            var order = await Portfolio(grains, id).PlaceOrderAsync(body.ToCommand());
            return TypedResults.Created($"/api/orders/{order.Id}", order);
        }).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
          .WithSummary("Places an order: a market order fills now at the simulated price, a limit order rests until the price crosses.");

        // POST .../cancel for clients that cannot send DELETE; both do the same.
        var cancel = async (string id, string orderId, IGrainFactory grains) => TypedResults.Ok(await Portfolio(grains, id).CancelOrderAsync(orderId));
        api.MapPost("/portfolios/{id}/orders/{orderId}/cancel", cancel).WithSummary("Cancels a resting order (409 if it is no longer open).");
        api.MapDelete("/portfolios/{id}/orders/{orderId}", cancel).WithSummary("Cancels a resting order (409 if it is no longer open).");

        api.MapGet("/orders/{id}", async (string id, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IOrderGrain>(EntityKey.Of(region, id)).GetAsync() ?? throw new KeyNotFoundException($"Order '{id}' not found.")))
            .WithSummary("An order and its status.");

        api.MapGet("/portfolios/{id}/positions", async (string id, IGrainFactory grains, IRegionalStore store) =>
            TypedResults.Ok(await ListAsync<Position>(Portfolio(grains, id), store, id, EntityType.Position)))
            .WithSummary("Positions of a portfolio.");

        api.MapGet("/portfolios/{id}/trades", async (string id, IGrainFactory grains, IRegionalStore store) =>
            TypedResults.Ok(await ListAsync<Trade>(Portfolio(grains, id), store, id, EntityType.Trade)))
            .WithSummary("Trades (fills) of a portfolio.");
        return app;
    }

    private static async Task<Portfolio> ExistingAsync(IPortfolioGrain portfolio, string id) =>
        await portfolio.GetAsync() ?? throw new KeyNotFoundException($"Portfolio '{id}' not found.");

    private static async Task<List<T>> ListAsync<T>(IPortfolioGrain portfolio, IRegionalStore store, string portfolioId, EntityType type)
    {
        await ExistingAsync(portfolio, portfolioId);
        return (await store.ListByPortfolioAsync(type, portfolioId)).Select(s => StateJson.Deserialize<T>(s.Payload)).ToList();
    }
}
