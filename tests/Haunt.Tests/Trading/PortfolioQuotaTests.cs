using Haunt.Tests.Cluster;

namespace Haunt.Tests.Trading;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqlitePortfolioQuotaTests(SqliteCluster cluster) : PortfolioQuotaTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPortfolioQuotaTests(PostgresCluster cluster) : PortfolioQuotaTests(cluster);

/// <summary>
/// Issue 20, item 7: a user holds at most Haunt:Trading:MaxPortfoliosPerUser live portfolios (5 in the test
/// clusters), counted wherever they were opened, and opens at once cannot slip past the count.
/// </summary>
public abstract class PortfolioQuotaTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const int Quota = 5;

    [SkippableFact]
    public async Task Issue_20_a_user_at_the_quota_opens_no_more_portfolios_in_any_region_until_one_is_deleted()
    {
        var user = "quota-" + Guid.NewGuid().ToString("N");
        ActingUser.Set(user);
        var opened = new List<Portfolio>();
        for (var i = 0; i < Quota; i++)
        {
            opened.Add(await Opener(KnownRegions.Osaka, user).OpenAsync(1_000m));
        }

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => Opener(KnownRegions.Osaka, user).OpenAsync(1_000m));
        Assert.Contains("Haunt:Trading:MaxPortfoliosPerUser", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Quota, await fixture.Store(KnownRegions.Osaka).CountPortfoliosOwnedByAsync(user));

        // Seoul counts osaka's portfolios once they have reached it: the user gets no fresh quota there.
        foreach (var portfolio in opened)
        {
            await fixture.ReplicatedAsync(EntityType.Portfolio, portfolio.Id);
        }

        await Assert.ThrowsAsync<OperationRefusedException>(() => Opener(KnownRegions.Seoul, user).OpenAsync(1_000m));
        Assert.Equal(Quota, await fixture.Store(KnownRegions.Seoul).CountPortfoliosOwnedByAsync(user));

        // Another user is not held back by this one's quota; a deleted portfolio frees a place.
        ActingUser.Set(user + "-other");
        Assert.Equal(user + "-other", (await Opener(KnownRegions.Osaka, user + "-other").OpenAsync(1_000m)).Owner);
        ActingUser.Set(user);
        await fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, opened[0].Id).DeleteAsync();
        Assert.Equal(user, (await Opener(KnownRegions.Osaka, user).OpenAsync(1_000m)).Owner);
        Assert.Equal(Quota, await fixture.Store(KnownRegions.Osaka).CountPortfoliosOwnedByAsync(user));
    }

    [SkippableFact]
    public async Task Issue_20_opens_at_once_for_one_user_are_counted_one_at_a_time_so_exactly_the_quota_succeed()
    {
        var user = "quota-" + Guid.NewGuid().ToString("N");
        ActingUser.Set(user);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 3 * Quota).Select(async _ =>
        {
            try
            {
                await Opener(KnownRegions.Osaka, user).OpenAsync(1_000m);
                return true;
            }
            catch (OperationRefusedException)
            {
                return false;
            }
        }));

        Assert.Equal(Quota, attempts.Count(opened => opened));
        Assert.Equal(Quota, await fixture.Store(KnownRegions.Osaka).CountPortfoliosOwnedByAsync(user));
    }

    [SkippableFact]
    public async Task Issue_20_a_portfolio_is_opened_only_for_the_user_acting()
    {
        ActingUser.Set("mallory");
        await Assert.ThrowsAsync<OperationRefusedException>(() => Opener(KnownRegions.Osaka, "alice").OpenAsync(1_000m));
    }

    private IPortfolioOpenerGrain Opener(string region, string user) => fixture.GrainsOf(region).GetGrain<IPortfolioOpenerGrain>(user);
}
