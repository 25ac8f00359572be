using Haunt.Grains.Replication;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Test-only seam: writes an order, position or trade the way its portfolio commits it (entity row + outbox
/// row in one transaction, active grains refreshed) but without the portfolio's trading rules, so a test can
/// make exactly the write it needs (a trade with a chosen id in two regions at once, a burst of trades). The
/// product has no such door: callers cannot write these entities (their grain interfaces are read-only).
/// </summary>
public static class PortfolioSideDoor
{
    public static async Task<EntityState> WriteAsync(this ClusterFixture fixture, string region, IPortfolioOwned value)
    {
        var services = fixture.Services(region);
        var store = services.GetRequiredService<IRegionalStore>();
        var states = services.GetRequiredService<LocalStates>();
        var type = EntityTypes.Of(value.GetType()).Type;
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.ReadAsync(type, value.Id);
            var home = (await store.ReadAsync(EntityType.Portfolio, value.PortfolioId))?.HomeRegion;
            var write = states.Next(current, value, homeRegion: home);
            if ((await store.CommitLocalAsync([write])).Status == CommitStatus.Committed)
            {
                await services.GetRequiredService<ReplicaNotifier>().NotifyAsync([write.State]);
                return write.State;
            }

            Assert.True(attempt < 8, $"{type} '{value.Id}' kept changing under the test's write.");
        }
    }
}
