namespace Appliance.Hw.Devices;

/// <summary>
/// MCP9808 register pointers, as the datasheet names them. Iot.Device.Mcp9808 drives the chip;
/// its own register enums are internal, so the simulated chip answers these.
/// </summary>
public enum Mcp9808Register : byte
{
    Configuration = 0x01,
    UpperTemperature = 0x02,
    LowerTemperature = 0x03,
    CriticalTemperature = 0x04,
    AmbientTemperature = 0x05,
    ManufacturerId = 0x06,
    DeviceId = 0x07,
    Resolution = 0x08,
}
