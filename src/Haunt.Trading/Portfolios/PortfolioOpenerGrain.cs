using Haunt.Replication;
using Haunt.Grains.Replication;
using Microsoft.Extensions.Options;

namespace Haunt.Trading.Portfolios;

/// <summary>
/// One user's portfolio opening in this region. The quota counts the user's live portfolios as this region holds
/// them, opened here or replicated from any region; one activation per user and cluster, not reentrant, so two
/// opens at once cannot both pass the count. Opens in two regions at once are counted only once each has reached
/// the other, so for as long as replication takes a user may go past the quota by what the other regions opened.
/// </summary>
public sealed class PortfolioOpenerGrain(IRegionalStore store, SiloRegion region, IOptions<TradingOptions> trading) : Grain, IPortfolioOpenerGrain
{
    public async Task<Portfolio> OpenAsync(decimal startingCash, CancellationToken cancellationToken = default)
    {
        var owner = this.GetPrimaryKeyString();
        if (ActingUser.Current is { } user && user != owner)
        {
            throw new OperationRefusedException($"A portfolio opened for '{user}' cannot belong to '{owner}'.");
        }

        var most = trading.Value.MaxPortfoliosPerUser;
        if (await store.CountPortfoliosOwnedByAsync(owner, cancellationToken) >= most)
        {
            throw new OperationRefusedException($"User '{owner}' has {most} portfolios, the most one user may have " +
                "(Haunt:Trading:MaxPortfoliosPerUser): delete one first.");
        }

        var id = Guid.CreateVersion7().ToString("N");
        return await GrainFactory.GetGrain<IPortfolioGrain>(EntityKey.Of(region.Name, id)).CreateAsync(owner, startingCash);
    }
}
