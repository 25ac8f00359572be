namespace Haunt.Tests.Cluster;

/// <summary>End-state checks across the three regions.</summary>
public static class ClusterAssertions
{
    /// <summary>Waits until every region holds <paramref name="id"/> with the same vector as <paramref name="origin"/>.</summary>
    public static async Task<EntityState> ReplicatedAsync(this ClusterFixture fixture, EntityType type, string id, string origin = KnownRegions.Osaka)
    {
        EntityState? source = null;
        await fixture.ReportingStallsAsync(() => Eventually.WaitUntilAsync(async () =>
        {
            source = await fixture.Store(origin).ReadAsync(type, id);
            if (source is null)
            {
                return false;
            }

            foreach (var region in fixture.Regions.All)
            {
                var copy = await fixture.Store(region).ReadAsync(type, id);
                if (copy is null || copy.Vector != source.Vector)
                {
                    return false;
                }
            }

            return true;
        }, $"{type} {id} is in all regions with the vector of {origin}"));
        return source!;
    }

    /// <summary>Waits until all regions have equal digests and empty outboxes; on a timeout, says where each region stands.</summary>
    public static Task ConvergedAsync(this ClusterFixture fixture, TimeSpan? timeout = null) =>
        fixture.ReportingStallsAsync(() => Eventually.WaitUntilAsync(async () =>
        {
            var digests = new HashSet<string>();
            foreach (var region in fixture.Regions.All)
            {
                digests.Add((await fixture.Store(region).DigestAsync()).Overall);
                foreach (var peer in fixture.Regions.PeersOf(region))
                {
                    if ((await fixture.Store(region).BacklogAsync(peer)).Rows > 0)
                    {
                        return false;
                    }
                }
            }

            return digests.Count == 1;
        }, "all regions have equal digests and empty outboxes", timeout));

    /// <summary>Runs a wait; if it times out, the timeout says where each region stands (<see cref="ConvergenceReport"/>).</summary>
    private static async Task ReportingStallsAsync(this ClusterFixture fixture, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + Environment.NewLine + await ConvergenceReport.DescribeAsync(fixture), ex);
        }
    }
}
