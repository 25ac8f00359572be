using System.Diagnostics;

namespace Haunt.Silo.Telemetry;

/// <summary>
/// Runs a grain call that came with a traceparent (a sampled trace) inside a span of its own, a child of the caller's:
/// what the grain writes then carries the trace to the peers (TraceContext), and the calls it makes carry the span on.
/// A call without one runs as it is, at the cost of one dictionary read (no state machine of this filter's own).
/// </summary>
public sealed class TraceIncomingCallFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        RequestContext.Get(GrainCallTracing.TraceParentKey) is string parent
        && ActivityContext.TryParse(parent, null, out var caller)
        && GrainCallTracing.Source.StartActivity($"{context.InterfaceName}/{context.MethodName}", ActivityKind.Server, caller) is { } span
            ? InvokeInSpanAsync(context, span)
            : context.Invoke();

    private static async Task InvokeInSpanAsync(IIncomingGrainCallContext context, Activity span)
    {
        using (span)
        {
            RequestContext.Set(GrainCallTracing.TraceParentKey, span.Id!);
            try
            {
                await context.Invoke();
            }
            catch (Exception ex)
            {
                span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }
        }
    }
}
