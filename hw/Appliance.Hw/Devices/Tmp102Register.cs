namespace Appliance.Hw.Devices;

/// <summary>TMP102 pointer register values.</summary>
public enum Tmp102Register : byte
{
    Temperature = 0x00,
    Configuration = 0x01,
    TemperatureLow = 0x02,
    TemperatureHigh = 0x03,
}
