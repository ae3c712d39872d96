namespace Appliance.Hw.Devices;

/// <summary>
/// INA219 register pointers, as the datasheet names them; every register is 16 bits, big-endian.
/// Iot.Device.Adc.Ina219 drives the chip; its own register enum is internal, so the simulated
/// chip answers these (and reads the configuration with the binding's public enums).
/// </summary>
public enum Ina219Register : byte
{
    Configuration = 0x00,
    ShuntVoltage = 0x01,
    BusVoltage = 0x02,
    Power = 0x03,
    Current = 0x04,
    Calibration = 0x05,
}
