using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Haunt.Grains.Placement;

/// <summary>Places a grain on a silo of the region its key names ("&lt;region&gt;/..." or the region itself).</summary>
[GenerateSerializer, Immutable, Alias("haunt.RegionPlacementStrategy")]
public sealed class RegionPlacementStrategy : PlacementStrategy
{
    public static RegionPlacementStrategy Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RegionPlacementAttribute() : PlacementAttribute(RegionPlacementStrategy.Instance);

/// <summary>
/// Chooses among the active silos whose name is the region. None active → a RegionUnavailableException
/// naming the region, which callers receive as is (no silent placement elsewhere, no divergence).
/// </summary>
public sealed class RegionPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var region = EntityKey.RegionOf(target.GrainIdentity.Key.ToString()!);
        var members = membership.CurrentSnapshot.Members;
        var candidates = context.GetCompatibleSilos(target)
            .Where(s => members.TryGetValue(s, out var m) && m.Status == SiloStatus.Active && m.Name == region)
            .ToArray();
        if (candidates.Length == 0)
        {
            throw new RegionUnavailableException(region);
        }

        return Task.FromResult(candidates.Length == 1 ? candidates[0] : candidates[Random.Shared.Next(candidates.Length)]);
    }
}
