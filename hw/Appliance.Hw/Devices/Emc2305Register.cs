namespace Appliance.Hw.Devices;

/// <summary>EMC2305 registers. Per-fan registers are at the fan's base (0x30 + 0x10 * fan) plus these offsets.</summary>
public enum Emc2305Register : byte
{
    Configuration = 0x20,
    FanStatus = 0x24,
    FanStallStatus = 0x25,
    FanSpinStatus = 0x26,
    DriveFailStatus = 0x27,
    FanInterruptEnable = 0x29,
    PwmPolarityConfig = 0x2A,
    PwmOutputConfig = 0x2B,

    FanSetting = 0x00,
    PwmDivide = 0x01,
    FanConfiguration1 = 0x02,
    FanConfiguration2 = 0x03,
    Gain = 0x05,
    SpinUpConfiguration = 0x06,
    MaxStep = 0x07,
    MinimumDrive = 0x08,
    ValidTachCount = 0x09,
    TachTargetLow = 0x0C,
    TachTargetHigh = 0x0D,
    TachReadingHigh = 0x0E,
    TachReadingLow = 0x0F,

    ProductId = 0xFD,
    ManufacturerId = 0xFE,
    Revision = 0xFF,
}
