using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.OpenApi;

namespace Haunt.Silo.Api;

/// <summary>
/// The OpenAPI document (/openapi/v1.json, read by the UI at /scalar/): the trading API and the sync operator
/// surface, grouped by tag. The Orleans dashboard shares the host, but its JSON endpoints are the dashboard's
/// own internals, not API: left out, they no longer fill the first screen of the UI.
/// </summary>
public static class ApiDocument
{
    /// <summary>Where the Orleans dashboard is mapped.</summary>
    public const string DashboardRoute = "/dashboard";

    public static IServiceCollection AddHauntOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            var inThisDocument = options.ShouldInclude; // the default: the endpoint's group is this document's
            options.ShouldInclude = description => inThisDocument(description) && !IsDashboard(description);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Haunt API";
                document.Info.Description =
                    "Paper trading in this silo's region — portfolios, orders, positions and trades; what is created here " +
                    "has its home here and replicates to the deployment's other regions (Haunt:Regions; by default osaka, seoul, nyc) — and the sync " +
                    "operator surface: health and lag of the peer links, metrics, the outbox queue, the conflict log, " +
                    "digests, convergence and anti-entropy rounds.";
                // Listed in this order, so the UI shows trading first and the operator endpoints after it.
                document.Tags = new HashSet<OpenApiTag>
                {
                    new() { Name = "Trading", Description = "Portfolios, orders, positions and trades whose home is this region." },
                    new() { Name = "Sync", Description = "Replication between the regions: state, backlog, conflicts, convergence." },
                    new() { Name = "Change feed", Description = "Every change this region stored, in its commit order, to resume from a token; consumer groups' checkpoints." },
                };
                return Task.CompletedTask;
            });
        });

    private static bool IsDashboard(ApiDescription description) =>
        ("/" + description.RelativePath + "/").StartsWith(DashboardRoute + "/", StringComparison.OrdinalIgnoreCase);
}
