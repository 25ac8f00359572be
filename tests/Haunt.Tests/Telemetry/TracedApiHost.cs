using System.Collections.Concurrent;
using System.Diagnostics;
using Haunt.Tests.Api;
using Haunt.Tests.Dialects;
using OpenTelemetry.Trace;

namespace Haunt.Tests.Telemetry;

/// <summary>
/// The three regions with traces on (an OTLP endpoint set, so each silo traces and propagates activities through its
/// grain calls), each silo's spans also kept in memory. The OTLP endpoint answers nothing; spans are read here.
/// </summary>
public sealed class TracedApiHost() : ApiHostFixture(StoreKind.Sqlite)
{
    /// <summary>Every span the silos' tracer providers ended. Sources are per process: each silo's provider sees every silo's spans.</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    protected override void Configure(string region, IDictionary<string, string?> settings) =>
        settings["Haunt:Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:9";

    protected override void ConfigureSilo(string region, Orleans.Hosting.ISiloBuilder silo) =>
        silo.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new SpanSink(Spans)));

    /// <summary>The in-memory exporter's collection, over a queue the test can read while silos add to it.</summary>
    private sealed class SpanSink(ConcurrentQueue<Activity> spans) : ICollection<Activity>
    {
        public int Count => spans.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => spans.Enqueue(item);

        public void Clear() => spans.Clear();

        public bool Contains(Activity item) => spans.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

[CollectionDefinition(Name)]
public sealed class TracedApiCollection : ICollectionFixture<TracedApiHost>
{
    public const string Name = "api with traces";
}
