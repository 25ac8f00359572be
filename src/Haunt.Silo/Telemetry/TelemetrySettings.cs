namespace Haunt.Silo.Telemetry;

/// <summary>
/// What the silo exports (section Haunt:Telemetry). All off by default: with no exporter no OpenTelemetry SDK is
/// started, and the instruments of the process cost what an unobserved instrument costs, one check.
/// </summary>
public sealed class TelemetrySettings
{
    /// <summary>A silo's metrics port when none is set: its HTTP port plus this (osaka's first silo 5101 → 9101).</summary>
    public const int DefaultMetricsPortOffset = 4000;

    /// <summary>Haunt:Telemetry:Otlp: metrics and request traces pushed to an OpenTelemetry collector.</summary>
    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>Haunt:Telemetry:Prometheus: a scrape endpoint on a port of its own.</summary>
    public PrometheusSettings Prometheus { get; set; } = new();

    /// <summary>
    /// Haunt:Telemetry:JsonLogs: one JSON object a line on the console, with the trace and span ids of the request or
    /// grain call that logged it (Logging:Console:FormatterName=json does the same; either way every Logging:Console
    /// key still overrides).
    /// </summary>
    public bool JsonLogs { get; set; }

    /// <summary>Whether any exporter is on (else no OpenTelemetry SDK is started).</summary>
    public bool Exports => Prometheus.Enabled || Otlp.Endpoint is not null;

    /// <summary>The port the scrape endpoint listens on for a silo at <paramref name="endpoints"/>.</summary>
    public int MetricsPort(Hosting.SiloEndpoints endpoints) => Prometheus.Port > 0 ? Prometheus.Port : endpoints.HttpPort + DefaultMetricsPortOffset;

    /// <summary>Every problem with these settings, in words an operator can act on.</summary>
    public IEnumerable<string> Problems(Hosting.SiloEndpoints endpoints)
    {
        if (Otlp.Endpoint is { } otlp && (!otlp.IsAbsoluteUri || otlp.Scheme is not ("http" or "https")))
        {
            yield return $"Haunt:Telemetry:Otlp:Endpoint must be an absolute http(s) URL, e.g. http://collector:4317 (got '{otlp}').";
        }

        if (!Prometheus.Enabled)
        {
            yield break;
        }

        var port = MetricsPort(endpoints);
        if (port is < 1 or > 65535)
        {
            yield return $"Haunt:Telemetry:Prometheus:Port must be 1–65535 (got {port}{(Prometheus.Port > 0 ? "" : $": the HTTP port {endpoints.HttpPort} + {DefaultMetricsPortOffset}")}).";
        }
        else if (port == endpoints.HttpPort)
        {
            yield return $"Haunt:Telemetry:Prometheus:Port must differ from the HTTP port ({port}): the scrape endpoint is on a port of its own.";
        }
    }

    public sealed class OtlpSettings
    {
        /// <summary>The collector's address (gRPC by default; OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf for HTTP). Unset: no OTLP export.</summary>
        public Uri? Endpoint { get; set; }
    }

    public sealed class PrometheusSettings
    {
        public bool Enabled { get; set; }

        /// <summary>0 = the HTTP port + <see cref="DefaultMetricsPortOffset"/>.</summary>
        public int Port { get; set; }
    }
}
