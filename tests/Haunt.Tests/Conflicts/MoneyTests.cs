using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;

namespace Haunt.Tests.Conflicts;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteMoneyTests(SqliteCluster cluster) : MoneyTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMoneyTests(PostgresCluster cluster) : MoneyTests(cluster);

public abstract class MoneyTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Money_is_conserved_in_every_region_after_concurrent_trading_everywhere()
    {
        const decimal starting = 100_000m;
        var portfolios = KnownRegions.All.SelectMany(r => Enumerable.Range(0, 2).Select(_ => (Home: r, Id: Guid.CreateVersion7().ToString("N")))).ToList();
        foreach (var (home, id) in portfolios)
        {
            await fixture.Grain<IPortfolioGrain>(home, id).CreateAsync($"trader-{home}", starting);
        }

        foreach (var (_, id) in portfolios)
        {
            await fixture.ReplicatedAsync(EntityType.Portfolio, id, portfolios.First(p => p.Id == id).Home);
        }

        // Every region trades every portfolio at once; orders for a portfolio homed elsewhere are forwarded.
        var random = new Random(7);
        var symbols = new[] { "BTC", "ETH", "SOL" };
        var orders = KnownRegions.All.SelectMany(region => Enumerable.Range(0, 20).Select(i =>
        {
            var (home, id) = portfolios[random.Next(portfolios.Count)];
            var side = i % 3 == 2 ? OrderSide.Sell : OrderSide.Buy;
            var order = new PlaceOrder(symbols[random.Next(symbols.Length)], side, OrderKind.Market, 0.5m);
            // Each order made for its portfolio's owner, as the API makes it (a forward names its user). A forward
            // that outlasts the peer call timeout (CI7: 60 at once on PostgreSQL beside other cluster tests) is
            // answered "may still be made there": its order is in the trades or not, and money is conserved either way.
            return Task.Run(async () =>
            {
                ActingUser.Set($"trader-{home}");
                try
                {
                    return await fixture.Grain<IPortfolioGrain>(region, id).PlaceOrderAsync(order);
                }
                catch (RegionUnavailableException)
                {
                    return null;
                }
            });
        })).ToList();
        var placed = await Task.WhenAll(orders);
        Assert.Contains(placed, o => o?.Status == OrderStatus.Filled);

        await fixture.ConvergedAsync();
        foreach (var region in KnownRegions.All)
        {
            var store = fixture.Store(region);
            foreach (var (_, id) in portfolios)
            {
                var portfolio = StateJson.Deserialize<Portfolio>((await store.ReadAsync(EntityType.Portfolio, id))!.Payload);
                var trades = (await store.ListByPortfolioAsync(EntityType.Trade, id)).Select(s => StateJson.Deserialize<Trade>(s.Payload)).ToList();
                var positions = (await store.ListByPortfolioAsync(EntityType.Position, id)).Select(s => StateJson.Deserialize<Position>(s.Payload)).ToList();

                var bought = trades.Where(t => t.Side == OrderSide.Buy).Sum(t => t.Quantity * t.Price);
                var sold = trades.Where(t => t.Side == OrderSide.Sell).Sum(t => t.Quantity * t.Price);
                Assert.Equal(starting - bought + sold, portfolio.Cash);
                Assert.Equal(starting + positions.Sum(p => p.RealizedPnl), portfolio.Cash + positions.Sum(p => p.CostBasis));
                foreach (var position in positions)
                {
                    var held = trades.Where(t => t.Symbol == position.Symbol).Sum(t => t.Side == OrderSide.Buy ? t.Quantity : -t.Quantity);
                    Assert.Equal(held, position.Quantity);
                    Assert.True(position.Quantity >= 0 && position.CostBasis >= 0);
                }
            }
        }
    }
}
