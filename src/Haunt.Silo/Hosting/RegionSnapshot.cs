namespace Haunt.Silo.Hosting;

/// <summary>One silo of a region's cluster as its membership sees it (status Active, Joining, ShuttingDown, Dead, …).</summary>
public sealed record SiloView(string Address, string Status);

/// <summary>What the live view and the `up` summary show of one region, asked of its status grain and its membership.</summary>
public sealed record RegionSnapshot(string Region, bool Up, long Entities, string Digest, long BacklogRows, double LagP99Ms, long Applied,
    long Conflicts, long LocalWrites, IReadOnlyList<SiloView> Silos)
{
    public static async Task<RegionSnapshot> TakeAsync(IGrainFactory grains, string region)
    {
        IReadOnlyList<SiloView> silos = [];
        try
        {
            silos = await SilosAsync(grains);
            var sync = grains.GetGrain<IRegionStatusGrain>(region);
            var digest = await sync.GetDigestAsync();
            var status = await sync.GetStatusAsync();
            return new RegionSnapshot(region, true, digest.Entities, digest.Overall, status.Peers.Sum(p => p.BacklogRows), status.LagP99Ms,
                status.ChangesApplied, status.Conflicts, status.LocalWrites, silos);
        }
        catch (Exception ex) when (ex is RegionUnavailableException or OrleansException or TimeoutException)
        {
            return new RegionSnapshot(region, false, 0, "", 0, 0, 0, 0, 0, silos);
        }
    }

    /// <summary>Every silo the region's membership table lists, dead ones included, by address.</summary>
    private static async Task<IReadOnlyList<SiloView>> SilosAsync(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        return [.. hosts.OrderBy(h => h.Key.Endpoint.Port).Select(h => new SiloView($"{h.Key.Endpoint}", h.Value.ToString()))];
    }
}
