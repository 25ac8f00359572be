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

    [Fact]
    public void No_grain_method_takes_a_state_with_replication_metadata_from_its_caller()
    {
        var grainInterfaces = typeof(IReplicaGrain).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t));
        var planting = grainInterfaces.SelectMany(i => i.GetMethods())
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(EntityState) || typeof(IEnumerable<EntityState>).IsAssignableFrom(p.ParameterType)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");

        Assert.Empty(planting); // a refresh names a version; the grain reads its row itself (see ReplicaCacheTests)
    }
}
