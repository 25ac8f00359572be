namespace Haunt.Silo.Hosting;

/// <summary>What the live view and the `up` summary show of one region, asked of its SyncQueueGrain.</summary>
public sealed record RegionSnapshot(string Region, bool Up, long Entities, string Digest, long BacklogRows, double LagP99Ms, long Applied,
    long Conflicts, long LocalWrites)
{
    public static async Task<RegionSnapshot> TakeAsync(IGrainFactory grains, string region)
    {
        try
        {
            var sync = grains.GetGrain<ISyncQueueGrain>(region);
            var digest = await sync.GetDigestAsync();
            var status = await sync.GetStatusAsync();
            return new RegionSnapshot(region, true, digest.Entities, digest.Overall, status.Peers.Sum(p => p.BacklogRows), status.LagP99Ms,
                status.ChangesApplied, status.Conflicts, status.LocalWrites);
        }
        catch (Exception ex) when (ex is RegionUnavailableException or OrleansException or TimeoutException)
        {
            return new RegionSnapshot(region, false, 0, "", 0, 0, 0, 0, 0);
        }
    }
}
