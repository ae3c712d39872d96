namespace Appliance.Bmc.Power;

/// <summary>Why the host last started or restarted (IPMI Get System Restart Cause values).</summary>
public enum RestartCause : byte
{
    Unknown = 0x00,
    ChassisControl = 0x01,
    ResetButton = 0x02,
    PowerButton = 0x03,
    Watchdog = 0x04,
    Oem = 0x05,
    AlwaysRestorePolicy = 0x06,
    PreviousStateRestorePolicy = 0x07,
    PefReset = 0x08,
    PefPowerCycle = 0x09,
    SoftReset = 0x0A,
    RealTimeClock = 0x0B,
}
