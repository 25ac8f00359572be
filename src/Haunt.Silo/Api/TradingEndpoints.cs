using Haunt.Grains.Trading;
using Haunt.Trading;

namespace Haunt.Silo.Api;

public sealed record CreatePortfolioRequest(string? Owner, decimal? StartingCash);

public sealed record PlaceOrderRequest(string? Symbol, OrderSide? Side, OrderKind? Kind, decimal? Quantity, decimal? LimitPrice, string? OrderId);

/// <summary>Trading over HTTP, in this silo's region: portfolios, orders, positions, trades.</summary>
public static class TradingEndpoints
{
    public static IEndpointRouteBuilder MapTradingApi(this IEndpointRouteBuilder app, string region)
    {
        var api = app.MapGroup("/api").WithTags("Trading");
        IPortfolioGrain Portfolio(IGrainFactory grains, string id) => grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, id));

        api.MapPost("/portfolios", (CreatePortfolioRequest body, IGrainFactory grains) => ApiErrors.Run(async () =>
        {
            if (string.IsNullOrWhiteSpace(body.Owner) || body.Owner.Length > 100)
            {
                return ApiErrors.Invalid("owner", "Owner is required (1–100 characters).");
            }

            if (body.StartingCash is not (> 0 and <= 1_000_000_000))
            {
                return ApiErrors.Invalid("startingCash", "Starting cash must be above 0 and at most 1,000,000,000.");
            }

            var id = Guid.CreateVersion7().ToString("N");
            var portfolio = await Portfolio(grains, id).CreateAsync(body.Owner, body.StartingCash.Value);
            return TypedResults.Created($"/api/portfolios/{id}", portfolio);
        }));

        api.MapGet("/portfolios/{id}", (string id, IGrainFactory grains) => ApiErrors.Run(async () =>
            await Portfolio(grains, id).GetAsync() is { } p ? TypedResults.Ok(p) : throw new KeyNotFoundException($"Portfolio '{id}' not found.")));

        api.MapPost("/portfolios/{id}/orders", (string id, PlaceOrderRequest body, IGrainFactory grains) => ApiErrors.Run(async () =>
        {
            if (body.Symbol is null || !MarketFeed.IsListed(body.Symbol))
            {
                return ApiErrors.Invalid("symbol", $"Symbol must be one of {string.Join(", ", MarketFeed.Symbols)}.");
            }

            if (body.Side is null || body.Kind is null)
            {
                return ApiErrors.Invalid("side", "Side (Buy/Sell) and kind (Market/Limit) are required.");
            }

            if (body.Quantity is not (> 0 and <= 1_000_000))
            {
                return ApiErrors.Invalid("quantity", "Quantity must be above 0 and at most 1,000,000.");
            }

            if (await Portfolio(grains, id).GetAsync() is null)
            {
                throw new KeyNotFoundException($"Portfolio '{id}' not found.");
            }

            var order = await Portfolio(grains, id).PlaceOrderAsync(
                new PlaceOrder(body.Symbol, body.Side.Value, body.Kind.Value, body.Quantity.Value, body.LimitPrice, body.OrderId));
            return TypedResults.Created($"/api/orders/{order.Id}", order);
        }));

        api.MapPost("/portfolios/{id}/orders/{orderId}/cancel", (string id, string orderId, IGrainFactory grains) => ApiErrors.Run(async () =>
            TypedResults.Ok(await Portfolio(grains, id).CancelOrderAsync(orderId))));

        api.MapGet("/orders/{id}", (string id, IGrainFactory grains) => ApiErrors.Run(async () =>
            await grains.GetGrain<IOrderGrain>(EntityKey.Of(region, id)).GetAsync() is { } o ? TypedResults.Ok(o) : throw new KeyNotFoundException($"Order '{id}' not found.")));

        api.MapGet("/portfolios/{id}/positions", (string id, IGrainFactory grains, IRegionalStore store) => ApiErrors.Run(async () =>
            TypedResults.Ok(await ListAsync<Position>(grains, store, region, id, EntityType.Position))));

        api.MapGet("/portfolios/{id}/trades", (string id, IGrainFactory grains, IRegionalStore store) => ApiErrors.Run(async () =>
            TypedResults.Ok(await ListAsync<Trade>(grains, store, region, id, EntityType.Trade))));
        return app;
    }

    private static async Task<List<T>> ListAsync<T>(IGrainFactory grains, IRegionalStore store, string region, string portfolioId, EntityType type)
    {
        if (await grains.GetGrain<IPortfolioGrain>(EntityKey.Of(region, portfolioId)).GetAsync() is null)
        {
            throw new KeyNotFoundException($"Portfolio '{portfolioId}' not found.");
        }

        return (await store.ListByPortfolioAsync(type, portfolioId)).Select(s => StateJson.Deserialize<T>(s.Payload)).ToList();
    }
}
