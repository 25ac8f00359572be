using Haunt.Trading.Market;
using Haunt.Trading.Portfolios;
using Haunt.Abstractions.Trading;

namespace Haunt.Silo.Api;

/// <summary>
/// Body of POST /api/portfolios. Fields are nullable so a missing one is a 422 naming it, not a binding 400. The
/// owner is not a field: it is the caller (the token's subject).
/// </summary>
public sealed record CreatePortfolioRequest(decimal? StartingCash)
{
    /// <summary>The first invalid field and why, or null when the request can be sent to the grain.</summary>
    public (string Field, string Message)? Invalid() =>
        StartingCash is not (> 0 and <= 1_000_000_000) ? ("startingCash", "Starting cash must be above 0 and at most 1,000,000,000.")
        : null;
}

/// <summary>Body of POST /api/portfolios/{id}/orders; OrderId makes a retry idempotent.</summary>
public sealed record PlaceOrderRequest(string? Symbol, OrderSide? Side, OrderKind? Kind, decimal? Quantity, decimal? LimitPrice, string? OrderId)
{
    public (string Field, string Message)? Invalid() =>
        Symbol is null || !MarketFeed.IsListed(Symbol) ? ("symbol", $"Symbol must be one of {string.Join(", ", MarketFeed.Symbols)}.")
        : Side is not { } side || !Enum.IsDefined(side) ? ("side", "Side is required: Buy or Sell.")
        : Kind is not { } kind || !Enum.IsDefined(kind) ? ("kind", "Kind is required: Market or Limit.")
        : Quantity is not (> 0 and <= 1_000_000) ? ("quantity", "Quantity must be above 0 and at most 1,000,000.")
        : Kind == OrderKind.Limit && LimitPrice is not > 0 ? ("limitPrice", "A limit order needs a limit price above 0.")
        : Kind == OrderKind.Market && LimitPrice is not null ? ("limitPrice", "A market order takes no limit price.")
        : OrderId is not null && !EntityIds.IsWellFormed(OrderId) ? ("orderId", $"An order id is 1–{EntityIds.MaxLength} letters, digits, '-' or '_'.")
        : null;

    public PlaceOrder ToCommand() => new(Symbol!, Side!.Value, Kind!.Value, Quantity!.Value, LimitPrice, OrderId);
}
