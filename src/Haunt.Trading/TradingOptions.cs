namespace Haunt.Trading;

/// <summary>How resting limit orders are matched, and how many one portfolio may have (section "Haunt:Trading").</summary>
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
}
