using System.Text.Json.Nodes;

namespace Haunt.Replication.Deltas;

/// <summary>
/// The RFC 6902 JSON Patch operations (add, remove, replace) that turn one version of an entity's JSON state into the
/// next, written so that applying them yields the next version byte for byte, key order included: objects are patched
/// key by key only where the next version keeps the retained keys in their order and adds new ones after them (as a
/// record serialized again does), otherwise the object is replaced whole; arrays lose and gain elements at their ends
/// (a rolling window drops its oldest and appends) or are patched element by element where only values changed.
/// Ours because the packages that apply JSON Patch in .NET do not compute one.
/// </summary>
public static class JsonDiff
{
    /// <summary>How far a window may have moved (elements dropped at the front) for the diff to see a shift.</summary>
    private const int MaxShift = 32;

    /// <summary>The operations from <paramref name="from"/> to <paramref name="to"/>, or null when the root itself would have to be replaced (send the full state).</summary>
    public static JsonArray? Between(JsonNode? from, JsonNode? to)
    {
        if (from is not JsonObject a || to is not JsonObject b || !KeepsOrder(a, b))
        {
            return null;
        }

        var operations = new JsonArray();
        Objects("", a, b, operations);
        return operations;
    }

    private static void Walk(string path, JsonNode? from, JsonNode? to, JsonArray operations)
    {
        if (JsonNode.DeepEquals(from, to))
        {
            return;
        }

        switch (from, to)
        {
            case (JsonObject a, JsonObject b) when KeepsOrder(a, b):
                Objects(path, a, b, operations);
                break;
            case (JsonArray a, JsonArray b):
                Arrays(path, a, b, operations);
                break;
            default:
                operations.Add(Operation("replace", path, to));
                break;
        }
    }

    /// <summary>Removals first, then changes, then additions: added keys land after the retained ones, where the next version has them.</summary>
    private static void Objects(string path, JsonObject a, JsonObject b, JsonArray operations)
    {
        foreach (var (key, _) in a.Where(p => !b.ContainsKey(p.Key)).ToList())
        {
            operations.Add(Operation("remove", Child(path, key)));
        }

        foreach (var (key, value) in b.Where(p => a.ContainsKey(p.Key)))
        {
            Walk(Child(path, key), a[key], value, operations);
        }

        foreach (var (key, value) in b.Where(p => !a.ContainsKey(p.Key)))
        {
            operations.Add(Operation("add", Child(path, key), value));
        }
    }

    private static void Arrays(string path, JsonArray a, JsonArray b, JsonArray operations)
    {
        // A window that moved: its oldest elements dropped, the rest (at least one) kept in order, new ones appended.
        for (var shift = 1; shift <= Math.Min(MaxShift, a.Count - 1); shift++)
        {
            var kept = a.Count - shift;
            if (kept <= b.Count && Enumerable.Range(0, kept).All(i => JsonNode.DeepEquals(a[shift + i], b[i])))
            {
                for (var i = 0; i < shift; i++)
                {
                    operations.Add(Operation("remove", path + "/0"));
                }

                for (var i = kept; i < b.Count; i++)
                {
                    operations.Add(Operation("add", path + "/-", b[i]));
                }

                return;
            }
        }

        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && JsonNode.DeepEquals(a[prefix], b[prefix]))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && JsonNode.DeepEquals(a[a.Count - 1 - suffix], b[b.Count - 1 - suffix]))
        {
            suffix++;
        }

        var (oldMiddle, newMiddle) = (a.Count - prefix - suffix, b.Count - prefix - suffix);
        if (oldMiddle == newMiddle)
        {
            for (var i = prefix; i < prefix + oldMiddle; i++)
            {
                Walk($"{path}/{i}", a[i], b[i], operations);
            }

            return;
        }

        for (var i = prefix + oldMiddle - 1; i >= prefix; i--)
        {
            operations.Add(Operation("remove", $"{path}/{i}"));
        }

        for (var i = prefix; i < prefix + newMiddle; i++)
        {
            operations.Add(Operation("add", $"{path}/{i}", b[i]));
        }
    }

    /// <summary>Whether patching key by key gives <paramref name="b"/>'s key order: retained keys in the same order, added keys after all of them.</summary>
    private static bool KeepsOrder(JsonObject a, JsonObject b)
    {
        var retained = a.Select(p => p.Key).Where(b.ContainsKey).ToList();
        var inB = b.Select(p => p.Key).ToList();
        return inB.Take(retained.Count).SequenceEqual(retained, StringComparer.Ordinal);
    }

    private static JsonObject Operation(string op, string path, JsonNode? value = null)
    {
        var operation = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove")
        {
            operation["value"] = value?.DeepClone();
        }

        return operation;
    }

    /// <summary>A JSON Pointer to a member (RFC 6901: "~" and "/" escaped).</summary>
    private static string Child(string path, string key) => path + "/" + key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
