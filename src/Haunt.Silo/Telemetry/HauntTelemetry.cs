using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Haunt.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for a silo: metrics of the replication (Haunt.Sync, per region pair), of Orleans, ASP.NET Core,
/// HttpClient, Npgsql and the runtime, exported as <see cref="TelemetrySettings"/> says: a Prometheus scrape endpoint
/// (<see cref="MetricsEndpoint"/>) and/or OTLP, which also gets the HTTP request traces.
/// </summary>
public static class HauntTelemetry
{
    /// <summary>The meter Orleans publishes its runtime's instruments on.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Npgsql's own meter (the driver publishes it; no instrumentation package needed).</summary>
    public const string NpgsqlMeter = "Npgsql";

    public static IServiceCollection AddHauntTelemetry(this IServiceCollection services, TelemetrySettings settings, string region, string instance)
    {
        if (!settings.Exports)
        {
            return services;
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("haunt", serviceInstanceId: instance).AddAttributes([new("haunt.region", region)]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SyncMetrics.MeterName, OrleansMeter, NpgsqlMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (settings.Prometheus.Enabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.Otlp.Endpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = endpoint);
                }
            });
        // Meters made by a host's IMeterFactory (Haunt.Sync, Orleans', ASP.NET Core's) are told apart by name only:
        // where one process hosts several silos (in-process `up`, the tests) every silo's provider would otherwise
        // export every silo's figures under its own endpoint, and two osakas' counters would overwrite each other.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
        });
        if (settings.Otlp.Endpoint is { } traces)
        {
            // A trader's request, its grain calls (GrainCallTracing, on with OTLP) and the apply of its changes in every
            // other region (Haunt.Sync's spans, linked to the request's trace through the change).
            otel.WithTracing(tracing => tracing.AddSource(SyncTracing.SourceName, GrainCallTracing.SourceName)
                .AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter(o => o.Endpoint = traces));
        }

        return services;
    }
}
