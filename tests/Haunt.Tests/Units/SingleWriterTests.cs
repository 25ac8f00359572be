namespace Haunt.Tests.Units;

/// <summary>
/// Issue 11, item 5: orders, positions and trades are written only by their portfolio (which applies the cash
/// rules and commits them together); no grain interface lets any other caller write them.
/// </summary>
public sealed class SingleWriterTests
{
    [Theory]
    [InlineData(typeof(IOrderGrain))]
    [InlineData(typeof(IPositionGrain))]
    [InlineData(typeof(ITradeGrain))]
    public void Portfolio_owned_entities_offer_callers_no_write(Type grainInterface)
    {
        var methods = grainInterface.GetInterfaces().Append(grainInterface).SelectMany(i => i.GetMethods()).Select(m => m.Name).ToList();

        Assert.Contains("GetAsync", methods);
        Assert.DoesNotContain("PutAsync", methods);
        Assert.DoesNotContain("DeleteAsync", methods);
        Assert.DoesNotContain(grainInterface.GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWritableEntityGrain<>));
    }

    [Fact]
    public void The_portfolio_and_the_other_entities_stay_writable()
    {
        Assert.True(typeof(IWritableEntityGrain<Portfolio>).IsAssignableFrom(typeof(IPortfolioGrain)));
        Assert.True(typeof(IWritableEntityGrain<Profile>).IsAssignableFrom(typeof(IProfileGrain)));
        Assert.True(typeof(IWritableEntityGrain<MarginHistory>).IsAssignableFrom(typeof(IMarginHistoryGrain)));
    }
}
