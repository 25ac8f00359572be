using Haunt.Grains.Peers;
using Haunt.Grains.Sync;

namespace Haunt.Grains.Replication;

/// <summary>
/// Calls into another region's cluster for a forwarded write or a read of its state, over the peer link: the
/// same network as replication, so a cut on the link seam cuts these too. An unreachable region fails fast
/// with <see cref="RegionUnavailableException"/> naming it (within the peer call timeout).
/// </summary>
/// <param name="faults">The fault seam, only where a test or the benchmark added it (<see cref="LinkFaultsHostingExtensions.AddLinkFaults"/>).</param>
public sealed class RegionReach(SiloRegion region, PeerClients peers, LinkFaults? faults = null)
{
    /// <summary>A forwarded write: it takes no token, since once sent it may commit at <paramref name="target"/> whether or not we wait.</summary>
    public Task<T> CallAsync<T>(string target, Func<IGrainFactory, Task<T>> call) => CallAsync(target, (grains, _) => call(grains), CancellationToken.None);

    private Task<T> CallAsync<T>(string target, Func<IGrainFactory, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (target == region.Name)
        {
            throw new ArgumentException($"'{target}' is this region: call its grains directly.", nameof(target));
        }

        if (faults?.For(region.Name, target) is { Cut: true })
        {
            throw new RegionUnavailableException(target);
        }

        return peers[target].CallAsync(call, cancellationToken);
    }

    /// <summary>
    /// A read of another region's state over the peer link; null when that region cannot be reached. The read gets a
    /// token cancelled when the peer call times out or <paramref name="cancellationToken"/> is.
    /// </summary>
    public async Task<T?> TryCallAsync<T>(string target, Func<IGrainFactory, CancellationToken, Task<T>> call, CancellationToken cancellationToken = default) where T : class
    {
        try
        {
            return await CallAsync(target, call, cancellationToken);
        }
        catch (RegionUnavailableException)
        {
            return null;
        }
    }
}
