namespace Appliance.Bmc.Sel;

/// <summary>
/// The BMC's own discrete sensors, numbered above the board's (board files use 1..DFh), with
/// their IPMI sensor types and the sensor-specific offsets the BMC logs.
/// </summary>
public static class BuiltInSensors
{
    public const byte PowerUnit = 0xE0;
    public const byte Watchdog = 0xE1;
    public const byte SystemEvent = 0xE2;
    public const byte FrontPanel = 0xE3;
    public const byte ChassisIntrusion = 0xE4;
    public const byte EventLogging = 0xE5;
    public const byte SessionAudit = 0xE6;

    public const byte PowerUnitType = 0x09;
    public const byte Watchdog2Type = 0x23;
    public const byte SystemEventType = 0x12;
    public const byte ButtonSwitchType = 0x14;
    public const byte PhysicalSecurityType = 0x05;
    public const byte EventLoggingDisabledType = 0x10;
    public const byte SessionAuditType = 0x2A;

    /// <summary>Event/reading type code for sensor-specific offsets.</summary>
    public const byte SensorSpecific = 0x6F;

    public const byte PowerOffOffset = 0x00;
    public const byte PowerCycleOffset = 0x01;
    public const byte SoftPowerControlFailureOffset = 0x05;
    public const byte LogAreaClearedOffset = 0x02;
    public const byte GeneralChassisIntrusionOffset = 0x00;

    /// <summary>Session Audit: a user's access was disabled after a series of bad passwords (table 42-3).</summary>
    public const byte InvalidPasswordDisableOffset = 0x03;

    public static IReadOnlyList<(byte Number, byte Type, string Name)> All { get; } =
    [
        (PowerUnit, PowerUnitType, "Power Unit"),
        (Watchdog, Watchdog2Type, "Watchdog"),
        (SystemEvent, SystemEventType, "System Event"),
        (FrontPanel, ButtonSwitchType, "Front Panel"),
        (ChassisIntrusion, PhysicalSecurityType, "Intrusion"),
        (EventLogging, EventLoggingDisabledType, "Event Log"),
        (SessionAudit, SessionAuditType, "Session Audit"),
    ];

    public static SelRecord Event(byte number, byte type, byte offset, bool deassertion = false) =>
        SelRecord.SystemEvent(type, number, SensorSpecific, deassertion, offset);

    /// <summary>
    /// An account locked out by failed logins: Session Audit "invalid password disable", the user
    /// ID in event data 2 (flagged in event data 1 as a sensor-specific extension); the lockout
    /// covers every channel, so event data 3 names none.
    /// </summary>
    public static SelRecord AccountLockedOut(int userId) =>
        SelRecord.SystemEvent(SessionAuditType, SessionAudit, SensorSpecific, false, 0xC0 | InvalidPasswordDisableOffset, (byte)(userId & 0x3F));
}
