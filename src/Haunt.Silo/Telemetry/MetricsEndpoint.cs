namespace Haunt.Silo.Telemetry;

/// <summary>
/// The Prometheus scrape endpoint, /metrics on a port of its own and nothing else on that port. Not behind the API's
/// token: a scraper holds a static credential at best, the sync API's per-user rate limit would throttle it, and a
/// joining region (whose API answers 503) is the one an operator most wants to watch. The port is the boundary
/// instead: the network that may scrape reaches it, and nothing of the API is reachable through it. On the API
/// port /metrics is not served (401 without a token, 404 with one).
/// </summary>
public static class MetricsEndpoint
{
    public static IApplicationBuilder UseHauntMetricsEndpoint(this IApplicationBuilder app, TelemetrySettings settings, int port)
    {
        if (!settings.Prometheus.Enabled)
        {
            return app;
        }

        // By the port the connection came in on, not by the Host header, which the caller writes.
        return app.MapWhen(context => context.Connection.LocalPort == port, metrics =>
        {
            metrics.UseOpenTelemetryPrometheusScrapingEndpoint();
            metrics.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }
}
