namespace Haunt.Trading.Market;

/// <summary>
/// The price an order executes at in this silo's region. <see cref="MarketFeed"/> (a simulated random walk) is
/// the only one Haunt ships; a deployment trading on real quotes would put its feed here.
/// </summary>
public interface IPriceFeed
{
    /// <summary>The current price of a listed symbol.</summary>
    decimal PriceOf(string symbol);
}
