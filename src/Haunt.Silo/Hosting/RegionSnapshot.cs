namespace Haunt.Silo.Hosting;

/// <summary>What the live view and the `up` summary show of one region.</summary>
public sealed record RegionSnapshot(string Region, long Entities, string Digest, long BacklogRows, double LagP99Ms, long Applied, long Conflicts)
{
    public static async Task<RegionSnapshot> TakeAsync(IServiceProvider services, string region)
    {
        var store = services.GetRequiredService<IRegionalStore>();
        var digest = await store.DigestAsync();
        var status = await services.GetRequiredService<IGrainFactory>().GetGrain<ISyncQueueGrain>(region).GetStatusAsync();
        var conflicts = await store.ConflictCountAsync();
        return new RegionSnapshot(region, digest.Entities, digest.Overall, status.Peers.Sum(p => p.BacklogRows), status.LagP99Ms,
            status.ChangesApplied, conflicts);
    }
}
