namespace Haunt.Grains.Replication;

/// <summary>Builds the next state of an entity for a write made in this region.</summary>
public sealed class LocalStates(SiloRegion region, HybridLogicalClock clock)
{
    public string Region => region.Name;

    public HybridLogicalClock Clock => clock;

    /// <summary>The state after writing <paramref name="value"/> (or deleting) on top of <paramref name="current"/>.</summary>
    public LocalWrite Next(EntityState? current, IEntity value, bool delete = false, string? homeRegion = null)
    {
        var info = EntityTypes.Of(value.GetType());
        var state = new EntityState(
            info.Type,
            value.Id,
            current?.HomeRegion ?? homeRegion ?? region.Name,
            (current?.Vector ?? VersionVector.Zero).Increment(region.Name),
            clock.Now(),
            region.Name,
            delete,
            (value as IPortfolioOwned)?.PortfolioId,
            StateJson.Serialize(value, value.GetType()));
        var operation = delete ? SyncOperation.Delete : current is null || current.Deleted ? SyncOperation.Insert : SyncOperation.Update;
        return new LocalWrite(state, operation, current?.Version ?? 0);
    }
}
