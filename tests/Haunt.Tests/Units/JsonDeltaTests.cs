using System.Text.Json.Nodes;
using Haunt.Replication.Deltas;

namespace Haunt.Tests.Units;

/// <summary>Issue 22: a delta applied yields exactly the full state (property test over random documents and edits).</summary>
public sealed class JsonDeltaTests
{
    [Fact]
    public void A_patch_applied_to_its_base_gives_the_next_version_byte_for_byte()
    {
        var (patched, fullOnly) = (0, 0);
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var from = RandomObject(random, depth: 0);
            var to = Edit(random, from.DeepClone().AsObject());
            var (fromJson, toJson) = (from.ToJsonString(StateJson.Options), to.ToJsonString(StateJson.Options));
            var patch = JsonDelta.Between(fromJson, toJson);
            if (patch is null)
            {
                fullOnly++;
                continue;
            }

            Assert.True(JsonDelta.Apply(fromJson, patch) == toJson, $"seed {seed}: {fromJson} + {patch} gave {JsonDelta.Apply(fromJson, patch)}, not {toJson}");
            patched++;
        }

        Assert.True(patched > 1_500, $"most edits are patches ({patched} patched, {fullOnly} full only)");
    }

    [Fact]
    public void A_rolling_window_that_moved_by_one_is_two_operations()
    {
        var prices = Enumerable.Range(0, 200).Select(i => 100m + i / 10m).ToList();
        var from = new JsonObject { ["window"] = new JsonArray([.. prices.Select(p => JsonValue.Create(p))]), ["signal"] = "hold" };
        var to = new JsonObject { ["window"] = new JsonArray([.. prices.Skip(1).Append(120.5m).Select(p => JsonValue.Create(p))]), ["signal"] = "hold" };
        var patch = JsonNode.Parse(JsonDelta.Between(from.ToJsonString(), to.ToJsonString())!)!.AsArray();
        Assert.Equal(["remove", "add"], patch.Select(o => (string)o!["op"]!));
        Assert.Equal(to.ToJsonString(StateJson.Options), JsonDelta.Apply(from.ToJsonString(), patch.ToJsonString()));
    }

    [Fact]
    public void A_patch_that_does_not_fit_the_base_is_refused()
    {
        const string patch = """[{"op":"replace","path":"/missing/deep","value":1}]""";
        Assert.Null(JsonDelta.Apply("""{"a":1}""", patch));
        Assert.Null(JsonDelta.Apply("""{"a":1}""", "not json"));
    }

    private static JsonObject RandomObject(Random random, int depth)
    {
        var result = new JsonObject();
        for (var i = random.Next(1, 7); i > 0; i--)
        {
            result[Key(random)] = RandomNode(random, depth + 1);
        }

        return result;
    }

    private static JsonNode? RandomNode(Random random, int depth) => random.Next(depth > 3 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(Math.Round((decimal)random.NextDouble() * 1000, random.Next(0, 4))),
        3 => JsonValue.Create(random.Next(-1000, 1000)),
        4 => JsonValue.Create(Word(random)),
        5 => RandomObject(random, depth),
        _ => new JsonArray([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => RandomNode(random, depth + 1))]),
    };

    /// <summary>One to three random edits anywhere in the tree: values changed, members added (at the end or in the middle) and removed, array elements shifted, appended, inserted and removed, types changed.</summary>
    private static JsonObject Edit(Random random, JsonObject root)
    {
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var containers = Containers(root).ToList();
            switch (containers[random.Next(containers.Count)])
            {
                case JsonObject o when o.Count > 0 && random.Next(4) == 0:
                    o.Remove(o.ElementAt(random.Next(o.Count)).Key);
                    break;
                case JsonObject o when random.Next(4) == 0:
                    var key = Key(random) + "x" + random.Next(1000);
                    if (!o.ContainsKey(key))
                    {
                        o.Insert(random.Next(o.Count + 1), key, RandomNode(random, 3));
                    }

                    break;
                case JsonObject o when o.Count > 0:
                    o[o.ElementAt(random.Next(o.Count)).Key] = RandomNode(random, 3);
                    break;
                case JsonArray a when a.Count > 0 && random.Next(3) == 0:
                    a.RemoveAt(0);
                    a.Add(RandomNode(random, 4));
                    break;
                case JsonArray a when a.Count > 0 && random.Next(2) == 0:
                    // A run of elements replaced by another of a different length, anywhere in the array.
                    var at = random.Next(a.Count);
                    for (var removed = Math.Min(random.Next(1, 4), a.Count - at); removed > 0; removed--)
                    {
                        a.RemoveAt(at);
                    }

                    for (var added = random.Next(0, 3); added > 0; added--)
                    {
                        a.Insert(at, RandomNode(random, 4));
                    }

                    break;
                case JsonArray a:
                    a.Insert(random.Next(a.Count + 1), RandomNode(random, 4));
                    break;
            }
        }

        return root;
    }

    private static IEnumerable<JsonNode> Containers(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().Where(c => c is JsonObject or JsonArray))
        {
            foreach (var inner in Containers(child))
            {
                yield return inner;
            }
        }
    }

    private static string Key(Random random) => random.Next(8) switch
    {
        0 => "a/b",
        1 => "t~1",
        _ => Word(random),
    };

    private static string Word(Random random) => new([.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => "abcdefgh+é<\"ü"[random.Next(13)])]);
}
