using System.Text.Json;

namespace Haunt.Tests.Processes;

/// <summary>One change as a consumer received it: its seq in the region's feed and which version of which entity it is (Type/id@vector).</summary>
public sealed record ReceivedChange(long Seq, string Version)
{
    public static ReceivedChange Of(long seq, JsonElement change) => new(seq,
        $"{change.GetProperty("entityType").GetString()}/{change.GetProperty("entityId").GetString()}@{change.GetProperty("vector").GetString()}");
}
