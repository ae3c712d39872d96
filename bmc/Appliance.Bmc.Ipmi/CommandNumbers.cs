namespace Appliance.Bmc.Ipmi;

// Command numbers the protocol library does not name (IPMI v2.0 appendix G, DCMI v1.5 table 6-1).

/// <summary>NetFn App commands beyond the library's <see cref="Appliance.Ipmi.Commands.AppCommand"/>.</summary>
public static class AppCommandMore
{
    public const byte SetChannelAccess = 0x40;
    public const byte SetChannelSecurityKeys = 0x56;
}

/// <summary>NetFn Chassis commands beyond the library's <see cref="Appliance.Ipmi.Commands.ChassisCommand"/>.</summary>
public static class ChassisCommandMore
{
    public const byte SetFrontPanelEnables = 0x0A;
}

/// <summary>NetFn Sensor/Event commands.</summary>
public static class SensorEventCommand
{
    public const byte PlatformEvent = 0x02;
    public const byte SetSensorHysteresis = 0x24;
    public const byte GetSensorHysteresis = 0x25;
    public const byte SetSensorThresholds = 0x26;
    public const byte GetSensorThresholds = 0x27;
    public const byte SetSensorEventEnable = 0x28;
    public const byte GetSensorEventEnable = 0x29;
    public const byte GetSensorReading = 0x2D;
}

/// <summary>NetFn Storage commands: FRU, SDR repository and SEL.</summary>
public static class StorageCommand
{
    public const byte GetFruInventoryAreaInfo = 0x10;
    public const byte ReadFruData = 0x11;
    public const byte WriteFruData = 0x12;
    public const byte GetSdrRepositoryInfo = 0x20;
    public const byte ReserveSdrRepository = 0x22;
    public const byte GetSdr = 0x23;
    public const byte GetSelInfo = 0x40;
    public const byte ReserveSel = 0x42;
    public const byte GetSelEntry = 0x43;
    public const byte AddSelEntry = 0x44;
    public const byte DeleteSelEntry = 0x46;
    public const byte ClearSel = 0x47;
    public const byte GetSelTime = 0x48;
    public const byte SetSelTime = 0x49;
}

/// <summary>NetFn Transport commands.</summary>
public static class TransportCommand
{
    public const byte SetLanConfigurationParameters = 0x01;
    public const byte GetLanConfigurationParameters = 0x02;
}

/// <summary>
/// The BMC's own commands, NetFn 30h (OEM/Group, no IANA number in the request); README.md in
/// this folder documents each.
/// </summary>
public static class OemCommand
{
    /// <summary>NetFn 30h: the first OEM/Group NetFn (IPMI v2.0 table 5-1), used without an IANA number.</summary>
    public const Appliance.Ipmi.NetFn NetFn = (Appliance.Ipmi.NetFn)0x30;

    /// <summary>Front Panel PIN: get status, set or clear the setup PIN.</summary>
    public const byte FrontPanelPin = 0x70;
}

/// <summary>DCMI commands (NetFn Group Extension, defining body DCh).</summary>
public static class DcmiCommand
{
    /// <summary>The group extension identification byte that starts every DCMI request and response.</summary>
    public const byte GroupExtension = 0xDC;

    public const byte GetDcmiCapabilitiesInfo = 0x01;
    public const byte GetPowerReading = 0x02;
}
