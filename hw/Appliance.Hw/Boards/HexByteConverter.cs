using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>Reads I2C addresses the way datasheets write them ("0x48"), or as plain numbers.</summary>
public sealed class HexByteConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetInt32();
        }

        string text = reader.GetString() ?? "";
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        throw new JsonException($"'{text}' is not an address; write it as \"0x48\" or 72");
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
        writer.WriteStringValue($"0x{value:x2}");
}
