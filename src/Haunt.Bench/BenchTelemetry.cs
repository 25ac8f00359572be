namespace Haunt.Bench;

/// <summary>What the benchmark's silos export: nothing (the default), metrics (a Prometheus endpoint), or metrics and traces (OTLP too).</summary>
public enum BenchTelemetry
{
    None,
    Metrics,
    Traces,
}
