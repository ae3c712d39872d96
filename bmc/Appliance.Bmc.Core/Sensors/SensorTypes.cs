using Appliance.Hw.Boards;

namespace Appliance.Bmc.Sensors;

/// <summary>IPMI sensor type and event/reading type codes for board sensors.</summary>
public static class SensorTypes
{
    /// <summary>Event/reading type 01h: threshold based.</summary>
    public const byte Threshold = 0x01;

    public static byte Of(SensorKind kind) => kind switch
    {
        SensorKind.Temperature => 0x01,
        SensorKind.Voltage => 0x02,
        SensorKind.Current => 0x03,
        SensorKind.FanSpeed => 0x04,
        SensorKind.Power => 0x0B, // "Other units-based sensor", as watts sensors are typed
        _ => 0x0B,
    };
}
