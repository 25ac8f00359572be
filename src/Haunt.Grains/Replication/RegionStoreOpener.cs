using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Haunt.Grains.Replication;

/// <summary>
/// Opens the region's store while the silo initialises, before it joins the cluster. Left to the first grain
/// that needs it, a store that cannot be opened (server down, wrong credentials, a file it may not write) would
/// surface as failing activations on a silo that already looks healthy; here it stops the silo's start with the
/// store's own message.
/// </summary>
internal sealed class RegionStoreOpener(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RegionStoreOpener), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            services.GetRequiredService<IRegionalStore>();
            return Task.CompletedTask;
        });
}
