namespace Haunt.Grains.Sync;

/// <summary>
/// This silo's copy of the link status its region's sync loop last published (every status interval, to every silo
/// of the region): what <see cref="RegionStatusGrain"/> answers from, with the store's figures read on top.
/// </summary>
public sealed class SyncStatusBoard
{
    private volatile SyncStatus? _latest;

    public SyncStatus? Latest => _latest;

    public void Publish(SyncStatus status) => _latest = status;
}
