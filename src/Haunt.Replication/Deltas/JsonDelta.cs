using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;

namespace Haunt.Replication.Deltas;

/// <summary>
/// An entity's JSON state sent as the change from a version the receiver holds: an RFC 6902 JSON Patch (computed by
/// <see cref="JsonDiff"/>, applied by ASP.NET Core's JSON Patch for System.Text.Json). JSON Patch rather than
/// RFC 7396 merge patch: a merge patch replaces an array whole (a rolling window of prices would travel entire every
/// time) and cannot set a member to null, which entity states hold.
/// </summary>
public static class JsonDelta
{
    /// <summary>The patch from <paramref name="fromJson"/> to <paramref name="toJson"/>, or null when only the full state will do.</summary>
    public static string? Between(string fromJson, string toJson) =>
        JsonDiff.Between(JsonNode.Parse(fromJson), JsonNode.Parse(toJson))?.ToJsonString(StateJson.Options);

    /// <summary>
    /// <paramref name="baseJson"/> with <paramref name="patchJson"/> applied, written the way states are; null when the
    /// patch does not apply to it (a path it does not have, a malformed operation).
    /// </summary>
    public static string? Apply(string baseJson, string patchJson)
    {
        try
        {
            if (JsonNode.Parse(baseJson) is not JsonObject state || JsonSerializer.Deserialize<JsonPatchDocument>(patchJson) is not { } patch)
            {
                return null;
            }

            patch.ApplyTo(state);
            return state.ToJsonString(StateJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or JsonPatchException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
