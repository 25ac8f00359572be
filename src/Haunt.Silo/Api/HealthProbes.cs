using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Haunt.Silo.Api;

/// <summary>
/// The probes load balancers, Docker and Kubernetes call, in the ASP.NET idiom (MapHealthChecks): /healthz is
/// liveness (the process answers: no check runs), /readyz is readiness (<see cref="RegionReadiness"/>; 503 when not
/// ready). Both anonymous and cheap; what is behind them in detail is /api/sync/health, for operators.
/// </summary>
public static class HealthProbes
{
    private const string Ready = "ready";

    public static IServiceCollection AddHauntHealthProbes(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<RegionReadiness>("region", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthProbes(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    /// <summary>{"status":"Healthy"} or {"status":"Unhealthy","reason":"joining the deployment"}: the reason without a detail an attacker could use.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var reason = report.Entries.Values.FirstOrDefault(e => e.Status != HealthStatus.Healthy).Description;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString(), reason }, JsonSerializerOptions.Web));
    }
}
