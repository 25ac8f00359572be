using Haunt.Trading.Load;
using Haunt.Trading.Market;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace Haunt.Trading;

public static class TradingHostingExtensions
{
    /// <summary>
    /// Trading on this silo: the simulated market feed (the price orders execute at, unless a test or a deployment
    /// registered an <see cref="IPriceFeed"/> of its own first) and the matching settings (section "Haunt:Trading").
    /// The portfolio grain itself comes with this assembly. A background load (section "Haunt:Load") when configured.
    /// </summary>
    public static ISiloBuilder AddHauntTrading(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(sp => new MarketFeed(sp.GetRequiredService<TimeProvider>()));
        silo.Services.TryAddSingleton<IPriceFeed>(sp => sp.GetRequiredService<MarketFeed>());
        silo.Services.AddOptions<TradingOptions>().BindConfiguration("Haunt:Trading")
            .Validate(o => o.MatchInterval > TimeSpan.Zero && o.RestingOrderReminder > TimeSpan.Zero,
                "Haunt:Trading:MatchInterval and Haunt:Trading:RestingOrderReminder must be positive.")
            .Validate(o => o.MaxOpenOrders >= 1, "Haunt:Trading:MaxOpenOrders must be at least 1.")
            .Validate(o => o.MaxPortfoliosPerUser >= 1, "Haunt:Trading:MaxPortfoliosPerUser must be at least 1.")
            .ValidateOnStart();
        silo.Services.AddOptions<LoadOptions>().BindConfiguration("Haunt:Load")
            .Validate(o => o.WritesPerSecond >= 0, "Haunt:Load:WritesPerSecond must not be negative.").ValidateOnStart();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloLoad>();
        return silo;
    }
}
