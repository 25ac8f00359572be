using System.Collections.Concurrent;
using Haunt.Abstractions.Trading;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Regions;

/// <summary>A deployment of the default three that a test shrinks: a fixture of its own, so no other test sees the removal.</summary>
public sealed class SqliteRemoveCluster() : ClusterFixture(StoreKind.Sqlite);

public sealed class PostgresRemoveCluster() : ClusterFixture(StoreKind.Postgres);

public sealed class SqliteRemoveTests(SqliteRemoveCluster cluster) : RemoveTests(cluster), IClassFixture<SqliteRemoveCluster>;

public sealed class PostgresRemoveTests(PostgresRemoveCluster cluster) : RemoveTests(cluster), IClassFixture<PostgresRemoveCluster>;

/// <summary>
/// Issue 21, item 6, on real clusters: the last region of the set is removed while all three take steady writes. It
/// stops taking writes, hands its portfolios (and their orders and positions) to the primary, drains, and is removed
/// by all; nothing acknowledged anywhere is lost, its portfolios trade again at once in their new home, and it receives
/// no sync traffic afterwards.
/// </summary>
public abstract class RemoveTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    [SkippableFact]
    public async Task Issue_21_a_region_removed_under_steady_writes_loses_nothing_and_its_portfolios_trade_in_their_new_home()
    {
        var primary = fixture.Regions.Primary;
        var leaving = fixture.Regions.All[^1];
        var staying = fixture.Regions.All.Where(r => r != leaving).ToList();
        var portfolioId = $"pf-remove-{Guid.CreateVersion7():N}";
        await fixture.Grain<IPortfolioGrain>(leaving, portfolioId).CreateAsync("olga", 1_000m);
        var order = await fixture.Grain<IPortfolioGrain>(leaving, portfolioId).PlaceOrderAsync(new PlaceOrder("AAPL", OrderSide.Buy, OrderKind.Limit, 1, 1m));

        var acked = new ConcurrentDictionary<string, ConcurrentBag<EntityState>>();
        var unsure = new ConcurrentDictionary<string, bool>();
        var refused = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var writers = fixture.Regions.All.Select(region => WriteSteadilyAsync(region, acked, unsure, refused, stop.Token)).ToList();
        await Eventually.WaitUntilAsync(() => Task.FromResult(acked.Values.Sum(b => b.Count) >= 60), "writes acknowledged in the three regions");

        var answer = await fixture.GrainsOf(primary).GetGrain<ISyncQueueGrain>(primary).ProposeRemoveRegionAsync(leaving, null);
        Assert.Equal(MembershipOutcome.Proposed, answer.Outcome);
        Assert.Equal($"leave {leaving} to {primary}", answer.Membership!.Change);

        var region = fixture.Services(leaving).GetRequiredService<SiloRegion>();
        try
        {
            await Eventually.WaitUntilAsync(() => Task.FromResult(region.Removed && staying.All(r => !Silo(r).Membership.Includes(leaving))),
                $"{leaving} removed by every region", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message} {await MembershipsAsync()}", timeout);
        }

        Assert.True(refused.GetValueOrDefault(leaving) > 0, $"{leaving} never refused a write while it left");

        // Handed over: the portfolio and its order are homed in the primary everywhere, and trade there at once.
        foreach (var r in staying)
        {
            Assert.Equal(primary, (await fixture.Store(r).ReadAsync(EntityType.Portfolio, portfolioId))?.HomeRegion);
            Assert.Equal(primary, (await fixture.Store(r).ReadAsync(EntityType.Order, order.Id))?.HomeRegion);
        }

        var cashBefore = StateJson.Deserialize<Portfolio>((await fixture.Store(primary).ReadAsync(EntityType.Portfolio, portfolioId))!.Payload).Cash;
        ActingUser.Set("olga"); // a forwarded write names the user it is made for
        var afterDeposit = await fixture.Grain<IPortfolioGrain>(staying[^1], portfolioId).DepositAsync(5m);
        Assert.Equal(cashBefore + 5m, afterDeposit.Cash);
        Assert.Equal(primary, (await fixture.Store(primary).ReadAsync(EntityType.Portfolio, portfolioId))!.ModifiedBy);
        await Assert.ThrowsAsync<RegionLeavingException>(() => fixture.Grain<IPortfolioGrain>(leaving, portfolioId).DepositAsync(1m));

        var atRemoval = acked.Values.Sum(b => b.Count);
        var appliedThere = fixture.Metrics(leaving).ChangesApplied;
        await Eventually.WaitUntilAsync(() => Task.FromResult(acked.Values.Sum(b => b.Count) >= atRemoval + 40), "writes acknowledged after the removal");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        await Eventually.WaitUntilAsync(async () =>
            (await fixture.Store(staying[0]).DigestAsync()).Overall == (await fixture.Store(staying[1]).DigestAsync()).Overall,
            "the remaining regions' digests are equal", TimeSpan.FromSeconds(60));

        // Nothing reaches the removed region any more; the others keep nothing for it.
        Assert.Equal(appliedThere, fixture.Metrics(leaving).ChangesApplied);
        foreach (var r in staying)
        {
            Assert.Equal(0, (await fixture.Store(r).BacklogAsync(leaving)).Rows);
            Assert.DoesNotContain(leaving, Silo(r).Peers);
            foreach (var (id, states) in acked)
            {
                var held = await fixture.Store(r).ReadAsync(EntityType.Profile, id);
                var writer = states.First().ModifiedBy;
                // Exactly once, the removed region's writes too: the writer's vector entry counts its acknowledged writes.
                Assert.True(held is not null && (unsure.ContainsKey(id) ? held.Vector.Get(writer) >= states.Count : held.Vector.Get(writer) == states.Count),
                    $"{r} holds {id} at {held?.Vector}; {writer} acknowledged {states.Count} writes");
            }
        }
    }

    /// <summary>Every region's membership as its sync loop holds it, for a failure's message.</summary>
    private async Task<string> MembershipsAsync() => string.Join(" | ", await Task.WhenAll(fixture.Regions.All.Select(async r =>
        $"{r}: {await fixture.GrainsOf(r).GetGrain<ISyncQueueGrain>(r).GetMembershipAsync()}")));

    private SiloRegion Silo(string region) => fixture.Services(region).GetRequiredService<SiloRegion>();

    /// <summary>Writes a few profiles of its own in <paramref name="region"/>, over and over, recording each acknowledged state and each refusal.</summary>
    private async Task WriteSteadilyAsync(string region, ConcurrentDictionary<string, ConcurrentBag<EntityState>> acked,
        ConcurrentDictionary<string, bool> unsure, ConcurrentDictionary<string, int> refused, CancellationToken stop)
    {
        var run = Guid.CreateVersion7().ToString("N")[..8];
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var id = $"remove-{run}-{region}-{n % 5}";
            try
            {
                var state = await fixture.Grain<IProfileGrain>(region, id).PutAsync(new Profile(id, $"{region} {n}", null, n));
                acked.GetOrAdd(id, _ => []).Add(state);
            }
            catch (RegionLeavingException)
            {
                refused.AddOrUpdate(region, 1, (_, c) => c + 1);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                unsure[id] = true;
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
