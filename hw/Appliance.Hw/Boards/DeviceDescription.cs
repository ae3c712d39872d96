using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>One chip on an I2C bus.</summary>
public sealed record DeviceDescription
{
    public required string Name { get; init; }
    public required ChipKind Chip { get; init; }
    public required int Bus { get; init; }

    /// <summary>7-bit address, written in hex as a string ("0x48") or as a number.</summary>
    [JsonConverter(typeof(HexByteConverter))]
    public required int Address { get; init; }

    /// <summary>INA219: the shunt resistor, in ohms.</summary>
    public double? ShuntOhms { get; init; }

    /// <summary>INA219: the largest current expected, in amperes; sets the calibration.</summary>
    public double? MaxCurrentAmps { get; init; }

    /// <summary>AT24: the EEPROM size in bytes (256 for a 24C02 ... 65536 for a 24C512).</summary>
    public int? SizeBytes { get; init; }

    /// <summary>PCF8574 LCD backpack: the display's columns and rows.</summary>
    public int? Columns { get; init; }
    public int? Rows { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ChipKind>))]
public enum ChipKind
{
    [JsonStringEnumMemberName("lm75")] Lm75,
    [JsonStringEnumMemberName("mcp9808")] Mcp9808,
    [JsonStringEnumMemberName("tmp102")] Tmp102,
    [JsonStringEnumMemberName("ina219")] Ina219,
    [JsonStringEnumMemberName("emc2305")] Emc2305,
    [JsonStringEnumMemberName("at24")] At24,
    [JsonStringEnumMemberName("pcf8574-lcd")] Pcf8574Lcd,
}
