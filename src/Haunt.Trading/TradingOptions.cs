namespace Haunt.Trading;

/// <summary>How resting limit orders are matched (section "Haunt:Trading").</summary>
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
}
