using System.Text.Json;
using System.Text.Json.Serialization;
using Haunt.Abstractions.Versioning;

namespace Haunt.Abstractions.Sync;

/// <summary>
/// The one JSON shape of entity records and replicated states: the outbox, the wire and the entity tables
/// use it, so a state written in one region reads back identically in another.
/// </summary>
public static class StateJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static string Serialize(object value, Type type) => JsonSerializer.Serialize(value, type, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Null {typeof(T).Name} in JSON.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // One escaping for every string, so that a state parsed and written again is the same bytes (a delta's
            // result is checked by hash): the default encoder escapes '+' in a string property but not in a date the
            // serializer formats itself, and a rewrite escaped both. States are data, never pasted into HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new VersionVectorConverter());
        options.Converters.Add(new HybridTimestampConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class VersionVectorConverter : JsonConverter<VersionVector>
    {
        public override VersionVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            VersionVector.TryParse(reader.GetString(), out var v) ? v : throw new JsonException("Bad version vector.");

        public override void Write(Utf8JsonWriter writer, VersionVector value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    private sealed class HybridTimestampConverter : JsonConverter<HybridTimestamp>
    {
        public override HybridTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            HybridTimestamp.FromPacked(reader.GetInt64());

        public override void Write(Utf8JsonWriter writer, HybridTimestamp value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.Packed);
    }
}
