using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Haunt.Replication.Engine;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Telemetry;

/// <summary>
/// Issue 25, item 3: a trader's HTTP write in one region starts a trace; its change carries the trace context in the
/// batch, and its apply in every other region is a span linked to that trace (real regions, real HTTP, spans kept by
/// the in-memory exporter).
/// </summary>
[Collection(TracedApiCollection.Name)]
public sealed class CrossRegionTraceTests(TracedApiHost host)
{
    [Fact]
    public async Task A_write_in_one_region_is_followed_by_its_trace_to_the_apply_in_every_other_region()
    {
        var (home, others) = (KnownRegions.Osaka, KnownRegions.PeersOf(KnownRegions.Osaka).ToList());
        var trace = ActivityTraceId.CreateRandom();
        string id;
        others.ForEach(peer => host.Cut(home, peer)); // the change waits in the outbox, where its trace context can be read
        try
        {
            // The trader's side of the trace: the request goes out in it (HttpClient sends its traceparent).
            using var trader = new Activity("trader").SetParentId(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
            var created = await host.Http[home].PostAsJsonAsync("/api/portfolios", new { startingCash = 1_000m });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        }
        finally
        {
            host.HealAll();
        }

        var queued = (await host.Store(home).QueueAsync(null, 0, 1_000)).Select(r => r.Item).Where(i => i.State.Id == id).ToList();
        Assert.NotEmpty(queued);
        Assert.All(queued, item => Assert.Equal(trace, ActivityContext.Parse(item.TraceParent!, null).TraceId));
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(others.All(region => AppliesLinkedTo(trace, region).Any())),
            $"an apply span linked to trace {trace} in each of {string.Join(", ", others)}");
        Assert.Empty(AppliesLinkedTo(trace, home)); // a region does not apply its own write
        // The request was traced in its home region too: the server span and the grain call that wrote the change.
        Assert.Contains(host.Spans, s => s.TraceId == trace && s.Kind == ActivityKind.Server);
        Assert.Contains(host.Spans, s => s.TraceId == trace && s.Source.Name == Haunt.Silo.Telemetry.GrainCallTracing.SourceName);
    }

    // Only sampled traces travel (GrainCallTracing): a request whose trace is not sampled makes no grain span, and its
    // change carries no trace context to the peers.
    [Fact]
    public async Task A_write_in_a_trace_that_is_not_sampled_carries_no_trace_context()
    {
        var trace = ActivityTraceId.CreateRandom();
        using (new Activity("trader").SetParentId(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            var created = await host.Http[KnownRegions.Osaka].PostAsJsonAsync("/api/portfolios", new { startingCash = 1_000m });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.JsonAsync()).GetProperty("id").GetString()!;
            await Eventually.WaitUntilAsync(async () => await host.Store(KnownRegions.Seoul).ReadAsync(Haunt.Abstractions.Entities.EntityType.Portfolio, id) is not null,
                $"portfolio {id} applied in seoul");
        }

        Assert.DoesNotContain(host.Spans, s => s.TraceId == trace);
        Assert.DoesNotContain(host.Spans, s => s.Links.Any(l => l.Context.TraceId == trace));
    }

    private IEnumerable<Activity> AppliesLinkedTo(ActivityTraceId trace, string region) =>
        host.Spans.Where(s => s.Source.Name == SyncTracing.SourceName && (string?)s.GetTagItem("haunt.region") == region && s.Links.Any(l => l.Context.TraceId == trace));
}
