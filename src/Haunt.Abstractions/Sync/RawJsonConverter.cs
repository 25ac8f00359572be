using System.Text.Json;
using System.Text.Json.Serialization;

namespace Haunt.Abstractions.Sync;

/// <summary>Writes a string that holds JSON as that JSON (not a string of it), and reads any JSON value back as its text.</summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteRawValue(value);
}
