using System.Globalization;
using Haunt.Grains.Replication;
using Haunt.Tests.Cluster;
using Haunt.Abstractions.Trading;
using Orleans.Core.Internal;

namespace Haunt.Tests.Trading;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteRestingOrderTests(SqliteCluster cluster) : RestingOrderTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRestingOrderTests(PostgresCluster cluster) : RestingOrderTests(cluster);

/// <summary>Issue 19, items 2 and 3: resting limit orders fill when the price crosses, whatever else happens.</summary>
public abstract class RestingOrderTests(ClusterFixture fixture) : ClusterTests(fixture.Kind), IDisposable
{
    private static readonly string[] s_steered = ["TSLA", "NVDA", "AAPL"];

    public void Dispose()
    {
        foreach (var symbol in s_steered)
        {
            fixture.ReleasePrice(KnownRegions.Osaka, symbol);
        }
    }

    // Each test moves symbols of its own, so tests running beside it keep the simulated prices of the others.
    [SkippableFact]
    public async Task Regression_issue_19_a_resting_order_fills_after_its_portfolio_grain_was_deactivated()
    {
        fixture.SetPrice(KnownRegions.Osaka, "TSLA", 250m);
        var (id, portfolio) = await NewPortfolioAsync();
        var order = await portfolio.PlaceOrderAsync(new PlaceOrder("TSLA", OrderSide.Buy, OrderKind.Limit, 2, 240m));
        Assert.Equal(OrderStatus.Open, order.Status);

        // Nobody is online: the grain goes away.
        await portfolio.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(!fixture.SilosOfRegion(KnownRegions.Osaka).Any(s => s.Services.GetRequiredService<ActiveReplicas>().Contains(EntityType.Portfolio, id))),
            "the portfolio grain is deactivated", TimeSpan.FromSeconds(10));

        fixture.SetPrice(KnownRegions.Osaka, "TSLA", 235m);
        var filled = await WaitUntilFilledAsync(order.Id);
        Assert.Equal(240m, filled.FilledPrice);
        var stored = StateJson.Deserialize<Portfolio>((await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Portfolio, id))!.Payload);
        Assert.Equal(10_000m - 480m, stored.Cash);
    }

    [SkippableFact]
    public async Task Regression_issue_19_an_order_that_cannot_be_matched_does_not_stop_the_others_from_filling()
    {
        fixture.SetPrice(KnownRegions.Osaka, "NVDA", 120m);
        fixture.SetPrice(KnownRegions.Osaka, "AAPL", 190m);
        var (_, portfolio) = await NewPortfolioAsync();
        var broken = await portfolio.PlaceOrderAsync(new PlaceOrder("NVDA", OrderSide.Buy, OrderKind.Limit, 1, 100m));
        var sound = await portfolio.PlaceOrderAsync(new PlaceOrder("AAPL", OrderSide.Buy, OrderKind.Limit, 1, 180m));

        // The first order's row now names a symbol no feed quotes: matching it throws on every round.
        using (var connection = fixture.OpenStoreConnection(KnownRegions.Osaka))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"UPDATE orders SET payload = replace(payload, '\"NVDA\"', '\"DELISTED\"') WHERE id = '{broken.Id}'");
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        fixture.SetPrice(KnownRegions.Osaka, "NVDA", 90m);
        fixture.SetPrice(KnownRegions.Osaka, "AAPL", 170m);
        Assert.Equal(180m, (await WaitUntilFilledAsync(sound.Id)).FilledPrice);
        Assert.Equal(OrderStatus.Open, (await OrderAsync(broken.Id)).Status);
    }

    [SkippableFact]
    public async Task Regression_issue_19_a_fill_whose_order_moved_underneath_it_reads_the_order_again_and_fills_once()
    {
        fixture.SetPrice(KnownRegions.Osaka, "TSLA", 250m);
        var (id, portfolio) = await NewPortfolioAsync();
        var order = await portfolio.PlaceOrderAsync(new PlaceOrder("TSLA", OrderSide.Buy, OrderKind.Limit, 1, 240m));

        // Another writer moves the order to a newer version just before the fill commits: the fill's first attempt
        // is refused, and a retry that kept the state it was first given would be refused every time.
        var moved = (await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Order, order.Id))!.Vector.Increment(KnownRegions.Osaka);
        fixture.InterfereWithNextCommitOf(KnownRegions.Osaka, order.Id, () =>
        {
            using var connection = fixture.OpenStoreConnection(KnownRegions.Osaka);
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE orders SET version = {moved.Sum}, version_vector = '{moved}' WHERE id = '{order.Id}'";
            Assert.Equal(1, command.ExecuteNonQuery());
            // The price is back above the limit at once: only this round, retrying on a fresh read, can fill it.
            fixture.SetPrice(KnownRegions.Osaka, "TSLA", 250m);
        });
        fixture.SetPrice(KnownRegions.Osaka, "TSLA", 230m);

        Assert.Equal(240m, (await WaitUntilFilledAsync(order.Id)).FilledPrice);
        var trades = await fixture.Store(KnownRegions.Osaka).ListByPortfolioAsync(EntityType.Trade, id);
        Assert.Equal(order.Id, Assert.Single(trades.Select(t => StateJson.Deserialize<Trade>(t.Payload))).OrderId);
        Assert.Equal(10_000m - 240m, StateJson.Deserialize<Portfolio>((await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Portfolio, id))!.Payload).Cash);
    }

    [SkippableFact]
    public async Task Issue_20_a_portfolio_at_its_open_order_limit_refuses_one_more_resting_order_until_one_is_cancelled()
    {
        var (_, portfolio) = await NewPortfolioAsync();
        // SOL near 150: a buy at 1 rests. The test clusters allow 20 open orders per portfolio (Haunt:Trading:MaxOpenOrders).
        var resting = new List<Order>();
        for (var i = 0; i < 20; i++)
        {
            resting.Add(await portfolio.PlaceOrderAsync(new PlaceOrder("SOL", OrderSide.Buy, OrderKind.Limit, 1, 1m)));
        }

        try
        {
            var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => portfolio.PlaceOrderAsync(new PlaceOrder("SOL", OrderSide.Buy, OrderKind.Limit, 1, 1m)));
            Assert.Contains("Haunt:Trading:MaxOpenOrders", refused.Message, StringComparison.Ordinal);
            Assert.Equal(OrderStatus.Filled, (await portfolio.PlaceOrderAsync(new PlaceOrder("SOL", OrderSide.Buy, OrderKind.Market, 1))).Status); // a market order rests not

            await portfolio.CancelOrderAsync(resting[0].Id);
            resting.RemoveAt(0);
            resting.Add(await portfolio.PlaceOrderAsync(new PlaceOrder("SOL", OrderSide.Buy, OrderKind.Limit, 1, 1m)));
            Assert.Equal(OrderStatus.Open, resting[^1].Status);
        }
        finally
        {
            foreach (var order in resting)
            {
                await portfolio.CancelOrderAsync(order.Id);
            }
        }
    }

    private async Task<(string Id, IPortfolioGrain Grain)> NewPortfolioAsync()
    {
        var id = Guid.CreateVersion7().ToString("N");
        var portfolio = fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id);
        await portfolio.CreateAsync("alice", 10_000m);
        return (id, portfolio);
    }

    private async Task<Order> OrderAsync(string orderId) =>
        StateJson.Deserialize<Order>((await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Order, orderId))!.Payload);

    private async Task<Order> WaitUntilFilledAsync(string orderId)
    {
        await Eventually.WaitUntilAsync(async () => (await OrderAsync(orderId)).Status == OrderStatus.Filled,
            $"order {orderId} is filled", TimeSpan.FromSeconds(15));
        return await OrderAsync(orderId);
    }
}
