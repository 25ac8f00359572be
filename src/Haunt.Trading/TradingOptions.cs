namespace Haunt.Trading;

/// <summary>How resting limit orders are matched, and how many orders one portfolio and portfolios one user may have (section "Haunt:Trading").</summary>
public sealed class TradingOptions
{
    /// <summary>How often a portfolio with resting limit orders checks them against the price.</summary>
    public TimeSpan MatchInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Period of the reminder a portfolio holds while it has resting orders: it brings the portfolio back to
    /// matching after its silo died or the grain was deactivated, so an order fills whether or not its trader is
    /// online. Reminders tick at most once a minute in production (Orleans' minimum period).
    /// </summary>
    public TimeSpan RestingOrderReminder { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most limit orders one portfolio may have resting: each is re-read and matched every MatchInterval, so without
    /// a bound one trader could load a region's silo with millions. Past it, an order that would rest is refused (409).
    /// </summary>
    public int MaxOpenOrders { get; set; } = 1000;

    /// <summary>
    /// Most live portfolios one user may hold, counted in the region that opens one (the user's portfolios from every
    /// region, as far as they have replicated there). Past it, opening one more is refused (409) until one is deleted.
    /// </summary>
    public int MaxPortfoliosPerUser { get; set; } = 100;
}
