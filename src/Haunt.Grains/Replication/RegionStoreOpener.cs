namespace Haunt.Grains.Replication;

/// <summary>
/// Opens the region's store while the silo initialises, before it joins the cluster. Left to the first grain
/// that needs it, a store that cannot be opened (server down, wrong credentials, a file it may not write) would
/// surface as failing activations on a silo that already looks healthy; here it stops the silo's start with the
/// store's own message, naming the store.
/// </summary>
internal sealed class RegionStoreOpener(IRegionalStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RegionStoreOpener), ServiceLifecycleStage.RuntimeInitialize, OpenAsync);

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            throw new StoreOpenException(store.Region, store.Location, ex);
        }
    }
}
