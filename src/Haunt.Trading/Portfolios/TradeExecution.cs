using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Portfolios;

/// <summary>
/// Paper-trading rules, pure: buys need the cash, sells need the holding (no shorting), cost basis follows
/// the average-cost method. Money is conserved: cash + cost basis of all positions = starting cash +
/// deposits + realized P&amp;L.
/// </summary>
public static class TradeExecution
{
    public static (Fill? Fill, string? Refusal) Execute(Portfolio portfolio, Position? position, Order order, decimal price, DateTimeOffset now)
    {
        var held = position ?? new Position(Position.IdFor(portfolio.Id, order.Symbol), portfolio.Id, order.Symbol, 0, 0, 0);
        var notional = order.Quantity * price;
        Position next;
        Portfolio paid;
        if (order.Side == OrderSide.Buy)
        {
            if (notional > portfolio.Cash)
            {
                return (null, $"insufficient cash: needs {notional:0.00}, has {portfolio.Cash:0.00}");
            }

            next = held with { Quantity = held.Quantity + order.Quantity, CostBasis = held.CostBasis + notional };
            paid = portfolio with { Cash = portfolio.Cash - notional };
        }
        else
        {
            if (order.Quantity > held.Quantity)
            {
                return (null, $"insufficient holding: sells {order.Quantity} {order.Symbol}, holds {held.Quantity}");
            }

            var costOut = held.Quantity == order.Quantity ? held.CostBasis : Math.Round(held.CostBasis * order.Quantity / held.Quantity, 8);
            next = held with
            {
                Quantity = held.Quantity - order.Quantity,
                CostBasis = held.CostBasis - costOut,
                RealizedPnl = held.RealizedPnl + notional - costOut,
            };
            paid = portfolio with { Cash = portfolio.Cash + notional };
        }

        var trade = new Trade(Guid.CreateVersion7().ToString("N"), portfolio.Id, order.Id, order.Symbol, order.Side, order.Quantity, price, now);
        return (new Fill(paid, next, trade, order with { Status = OrderStatus.Filled, FilledPrice = price }), null);
    }

    /// <summary>Whether a resting limit order can fill at <paramref name="price"/>.</summary>
    public static bool Crosses(Order order, decimal price) =>
        order.LimitPrice is { } limit && (order.Side == OrderSide.Buy ? price <= limit : price >= limit);
}
