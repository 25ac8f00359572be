using System.Reflection;
using Haunt.Trading.Portfolios;

namespace Haunt.Tests.Hygiene;

/// <summary>
/// Issue 19: the layout tells the design. The replication core runs without Orleans, namespaces follow their
/// assembly, and the production silo carries no benchmark or test grain.
/// </summary>
public sealed class LayoutTests
{
    private static readonly Assembly[] s_product =
    [
        typeof(IReplicaGrain).Assembly, typeof(IRegionalStore).Assembly, typeof(SyncEngine).Assembly,
        typeof(Haunt.Grains.HauntSiloExtensions).Assembly, typeof(PortfolioGrain).Assembly, typeof(Haunt.Silo.Hosting.RegionalSilo).Assembly,
    ];

    [Fact]
    public void The_replication_core_references_no_Orleans_assembly()
    {
        var orleans = typeof(SyncEngine).Assembly.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("Orleans", StringComparison.Ordinal)).Select(a => a.Name);

        Assert.Empty(orleans);
    }

    [Fact]
    public void Every_namespace_of_a_product_assembly_starts_with_its_name()
    {
        var strays = s_product.SelectMany(a => a.GetTypes()
                .Where(t => t.Namespace is { } ns && ns.StartsWith("Haunt", StringComparison.Ordinal) && !ns.StartsWith(a.GetName().Name!, StringComparison.Ordinal))
                .Select(t => $"{t.FullName} in {a.GetName().Name}"))
            .ToList();

        Assert.Empty(strays);
    }

    [Fact]
    public void Grains_live_only_in_the_adapter_and_trading_assemblies()
    {
        var allowed = new[] { typeof(Haunt.Grains.HauntSiloExtensions).Assembly, typeof(PortfolioGrain).Assembly };
        var elsewhere = s_product.Except(allowed)
            .SelectMany(a => a.GetTypes().Where(t => typeof(Grain).IsAssignableFrom(t)).Select(t => t.FullName))
            .ToList();

        Assert.Empty(elsewhere); // the benchmark's baseline grain lives in Haunt.Bench, which no silo references
    }
}
