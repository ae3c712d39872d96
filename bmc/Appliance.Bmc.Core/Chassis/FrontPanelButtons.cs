namespace Appliance.Bmc.Chassis;

/// <summary>
/// The chassis push-buttons whose pass-through the BMC can disable, as bits in the order of IPMI's
/// Set Front Panel Enables request and Get Chassis Status byte 5.
/// </summary>
[Flags]
public enum FrontPanelButtons : byte
{
    None = 0,
    PowerOff = 0x01,
    Reset = 0x02,
    DiagnosticInterrupt = 0x04,
    Standby = 0x08,
}
