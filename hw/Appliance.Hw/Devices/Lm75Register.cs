namespace Appliance.Hw.Devices;

/// <summary>
/// LM75 pointer register values, as the datasheet names them. Iot.Device.Lm75 drives the chip;
/// its own register enum is internal, so the simulated chip answers these.
/// </summary>
public enum Lm75Register : byte
{
    Temperature = 0x00,
    Configuration = 0x01,
    Hysteresis = 0x02,
    OverTemperatureShutdown = 0x03,
}
