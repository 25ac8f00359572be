using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Haunt.Silo.Api;

/// <summary>
/// Whether this silo should be sent traffic: not stopping, an active member of its region's cluster, and its region
/// serving (not joining the deployment, not leaving it, not removed). Cheap: in-memory state only, no store read (the
/// store was opened before the silo started, and a silo whose store failed does not start).
/// </summary>
public sealed class RegionReadiness(SiloRegion region, IClusterMembershipService membership, ILocalSiloDetails silo, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var reason = lifetime.ApplicationStopping.IsCancellationRequested ? "stopping"
            : status != SiloStatus.Active ? $"silo {status.ToString().ToLowerInvariant()} in its cluster"
            : region.Removed ? "removed from the deployment"
            : !region.Serving ? "joining the deployment"
            : region.Leaving ? "leaving the deployment"
            : null;
        return Task.FromResult(reason is null ? HealthCheckResult.Healthy(region.Name) : HealthCheckResult.Unhealthy(reason));
    }
}
