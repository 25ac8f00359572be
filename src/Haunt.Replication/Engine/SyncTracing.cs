using System.Diagnostics;

namespace Haunt.Replication.Engine;

/// <summary>
/// The replication's spans (ActivitySource "Haunt.Sync"): a batch applied here is a span linked to the trace each of
/// its changes was written in (<see cref="ChangeItem.TraceParent"/>), so one order can be followed from the trader's
/// request in its home region to its apply in every other. Linked, not parented: a batch carries many writes' changes.
/// </summary>
public static class SyncTracing
{
    public const string SourceName = "Haunt.Sync";

    /// <summary>Links one span takes at most; a batch of 500 changes each in its own trace is not a span to read anyway.</summary>
    private const int MaxLinks = 128;

    private static readonly ActivitySource s_source = new(SourceName);

    /// <summary>
    /// A span over the apply of <paramref name="items"/> from <paramref name="origin"/>, or null: when nobody listens
    /// (one check, the common case), or when no change in the batch was written in a trace.
    /// </summary>
    public static Activity? StartApply(string region, string origin, IReadOnlyList<ChangeItem> items)
    {
        if (!s_source.HasListeners())
        {
            return null;
        }

        List<ActivityLink>? links = null;
        foreach (var item in items)
        {
            if (item.TraceParent is { } parent && ActivityContext.TryParse(parent, null, isRemote: true, out var context))
            {
                (links ??= []).Add(new ActivityLink(context));
                if (links.Count == MaxLinks)
                {
                    break;
                }
            }
        }

        return links is null
            ? null
            : s_source.StartActivity("haunt.sync.apply", ActivityKind.Consumer, parentContext: default,
                [new("haunt.region", region), new("haunt.origin", origin), new("haunt.changes", items.Count)], links);
    }
}
