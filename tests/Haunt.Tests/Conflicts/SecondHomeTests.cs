using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteSecondHomeTests(SqliteCluster cluster) : SecondHomeTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresSecondHomeTests(PostgresCluster cluster) : SecondHomeTests(cluster);

/// <summary>Issue 19, item 5: a strong entity of a portfolio that has not reached this region is not homed here.</summary>
public abstract class SecondHomeTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Regression_issue_19_an_options_position_of_a_portfolio_not_yet_replicated_here_is_refused_and_homed_with_its_portfolio_once_it_is()
    {
        var portfolioId = Guid.CreateVersion7().ToString("N");
        var optionId = Guid.CreateVersion7().ToString("N");
        var option = new OptionsPosition(optionId, portfolioId, "ETH", OptionKind.Call, 3_500m, new DateOnly(2027, 3, 26), 2, 110m);
        var inNyc = fixture.Grain<IOptionsPositionGrain>(KnownRegions.Nyc, optionId);
        ActingUser.Set("mina"); // the forwarded write names mina, whose portfolio it is

        fixture.Cut(KnownRegions.Seoul, KnownRegions.Nyc);
        try
        {
            await fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, portfolioId).CreateAsync("mina", 50_000m);
            Assert.Null(await fixture.Store(KnownRegions.Nyc).ReadAsync(EntityType.Portfolio, portfolioId));

            var refused = await Assert.ThrowsAsync<EntityNotFoundException>(() => inNyc.PutAsync(option));
            Assert.Contains(portfolioId, refused.Message);
            Assert.Null(await fixture.Store(KnownRegions.Nyc).ReadAsync(EntityType.OptionsPosition, optionId));
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ReplicatedAsync(EntityType.Portfolio, portfolioId, KnownRegions.Seoul);
        var written = await inNyc.PutAsync(option);
        Assert.Equal(KnownRegions.Seoul, written.HomeRegion);
        Assert.Equal(KnownRegions.Seoul, written.ModifiedBy);
        Assert.Equal(written, await fixture.ReplicatedAsync(EntityType.OptionsPosition, optionId, KnownRegions.Seoul));
    }
}
