using Haunt.Tests.Cluster;

namespace Haunt.Tests.Regions;

/// <summary>What the tests that grow a deployment under faults share: data to join into, and waiting for the join's end.</summary>
internal static class Growing
{
    /// <summary>Writes <paramref name="count"/> profiles in <paramref name="region"/>; their ids.</summary>
    public static async Task<List<string>> ProfilesAsync(ClusterFixture fixture, string region, string prefix, int count)
    {
        var run = Guid.CreateVersion7().ToString("N")[..8];
        var ids = Enumerable.Range(0, count).Select(n => $"{prefix}-{run}-{n:D3}").ToList();
        foreach (var id in ids)
        {
            await fixture.Grain<IProfileGrain>(region, id).PutAsync(new Profile(id, $"trader {id}", null, 1));
        }

        return ids;
    }

    /// <summary>Waits until <paramref name="region"/> serves; on timeout the message carries its sync loop's membership status.</summary>
    public static async Task ServingAsync(ClusterFixture fixture, string region, string what)
    {
        try
        {
            await Eventually.WaitUntilAsync(() => Task.FromResult(fixture.Services(region).GetRequiredService<SiloRegion>().Serving), what, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException timeout)
        {
            var status = await fixture.GrainsOf(region).GetGrain<ISyncQueueGrain>(region).GetMembershipAsync();
            throw new TimeoutException($"{timeout.Message} {region}: {status} join {status.Join}", timeout);
        }
    }

    /// <summary>Asserts <paramref name="region"/> holds every one of <paramref name="ids"/>, then waits until every running region's digest is equal.</summary>
    public static async Task HoldsAllAndConvergesAsync(ClusterFixture fixture, string region, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            Assert.NotNull(await fixture.Store(region).ReadAsync(EntityType.Profile, id));
        }

        var regions = fixture.Running.ToList();
        await Eventually.WaitUntilAsync(async () =>
        {
            var digests = new HashSet<string>();
            foreach (var r in regions)
            {
                digests.Add((await fixture.Store(r).DigestAsync()).Overall);
            }

            return digests.Count == 1;
        }, "every region's digest is equal", TimeSpan.FromSeconds(60));
    }
}
