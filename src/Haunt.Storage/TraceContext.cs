using System.Diagnostics;

namespace Haunt.Storage;

/// <summary>The W3C trace context a change carries from the write that made it (<see cref="ChangeItem.TraceParent"/>).</summary>
public static class TraceContext
{
    /// <summary>The current activity's traceparent when it is a W3C one that is recorded; null outside a trace, which costs a write nothing.</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } activity ? activity.Id : null;
}
