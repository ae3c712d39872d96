namespace Appliance.Ipmi.Commands;

/// <summary>Command numbers of NetFn App (IPMI v2.0 appendix G).</summary>
public static class AppCommand
{
    /// <summary>Get Device ID.</summary>
    public const byte GetDeviceId = 0x01;
    /// <summary>Cold Reset.</summary>
    public const byte ColdReset = 0x02;
    /// <summary>Warm Reset.</summary>
    public const byte WarmReset = 0x03;
    /// <summary>Get Self Test Results.</summary>
    public const byte GetSelfTestResults = 0x04;
    /// <summary>Get Device GUID.</summary>
    public const byte GetDeviceGuid = 0x08;
    /// <summary>Reset Watchdog Timer.</summary>
    public const byte ResetWatchdogTimer = 0x22;
    /// <summary>Set Watchdog Timer.</summary>
    public const byte SetWatchdogTimer = 0x24;
    /// <summary>Get Watchdog Timer.</summary>
    public const byte GetWatchdogTimer = 0x25;
    /// <summary>Get System GUID (answered by the session layer; also allowed before a session).</summary>
    public const byte GetSystemGuid = 0x37;
    /// <summary>Get Channel Authentication Capabilities (session layer).</summary>
    public const byte GetChannelAuthenticationCapabilities = 0x38;
    /// <summary>Get Session Challenge (IPMI v1.5; refused by the session layer).</summary>
    public const byte GetSessionChallenge = 0x39;
    /// <summary>Activate Session (IPMI v1.5; refused by the session layer).</summary>
    public const byte ActivateSession = 0x3A;
    /// <summary>Set Session Privilege Level (session layer).</summary>
    public const byte SetSessionPrivilegeLevel = 0x3B;
    /// <summary>Close Session (session layer).</summary>
    public const byte CloseSession = 0x3C;
    /// <summary>Get Session Info (session layer).</summary>
    public const byte GetSessionInfo = 0x3D;
    /// <summary>Set Channel Access.</summary>
    public const byte SetChannelAccess = 0x40;
    /// <summary>Get Channel Access.</summary>
    public const byte GetChannelAccess = 0x41;
    /// <summary>Get Channel Info.</summary>
    public const byte GetChannelInfo = 0x42;
    /// <summary>Set User Access.</summary>
    public const byte SetUserAccess = 0x43;
    /// <summary>Get User Access.</summary>
    public const byte GetUserAccess = 0x44;
    /// <summary>Set User Name.</summary>
    public const byte SetUserName = 0x45;
    /// <summary>Get User Name.</summary>
    public const byte GetUserName = 0x46;
    /// <summary>Set User Password.</summary>
    public const byte SetUserPassword = 0x47;
    /// <summary>Activate Payload (session layer: Serial-over-LAN).</summary>
    public const byte ActivatePayload = 0x48;
    /// <summary>Deactivate Payload (session layer).</summary>
    public const byte DeactivatePayload = 0x49;
    /// <summary>Get Payload Activation Status (session layer).</summary>
    public const byte GetPayloadActivationStatus = 0x4A;
    /// <summary>Get Payload Instance Info (session layer).</summary>
    public const byte GetPayloadInstanceInfo = 0x4B;
    /// <summary>Get Channel Payload Support (session layer).</summary>
    public const byte GetChannelPayloadSupport = 0x4E;
    /// <summary>Get Channel Payload Version (session layer).</summary>
    public const byte GetChannelPayloadVersion = 0x4F;
    /// <summary>Get Channel Cipher Suites (session layer; also allowed before a session).</summary>
    public const byte GetChannelCipherSuites = 0x54;
    /// <summary>Set Channel Security Keys (the BMC key K_g).</summary>
    public const byte SetChannelSecurityKeys = 0x56;
}

/// <summary>Command numbers of NetFn Chassis (IPMI v2.0 appendix G).</summary>
public static class ChassisCommand
{
    /// <summary>Get Chassis Capabilities.</summary>
    public const byte GetChassisCapabilities = 0x00;
    /// <summary>Get Chassis Status.</summary>
    public const byte GetChassisStatus = 0x01;
    /// <summary>Chassis Control.</summary>
    public const byte ChassisControl = 0x02;
    /// <summary>Chassis Reset.</summary>
    public const byte ChassisReset = 0x03;
    /// <summary>Chassis Identify.</summary>
    public const byte ChassisIdentify = 0x04;
    /// <summary>Set Power Restore Policy.</summary>
    public const byte SetPowerRestorePolicy = 0x06;
    /// <summary>Get System Restart Cause.</summary>
    public const byte GetSystemRestartCause = 0x07;
    /// <summary>Set System Boot Options.</summary>
    public const byte SetSystemBootOptions = 0x08;
    /// <summary>Get System Boot Options.</summary>
    public const byte GetSystemBootOptions = 0x09;
    /// <summary>Set Front Panel Enables.</summary>
    public const byte SetFrontPanelEnables = 0x0A;
    /// <summary>Get POH Counter.</summary>
    public const byte GetPohCounter = 0x0F;
}

/// <summary>Command numbers of NetFn Sensor/Event (IPMI v2.0 appendix G).</summary>
public static class SensorEventCommand
{
    /// <summary>Platform Event (Event Message).</summary>
    public const byte PlatformEvent = 0x02;
    /// <summary>Get PEF Capabilities.</summary>
    public const byte GetPefCapabilities = 0x10;
    /// <summary>Arm PEF Postpone Timer.</summary>
    public const byte ArmPefPostponeTimer = 0x11;
    /// <summary>Set PEF Configuration Parameters.</summary>
    public const byte SetPefConfigurationParameters = 0x12;
    /// <summary>Get PEF Configuration Parameters.</summary>
    public const byte GetPefConfigurationParameters = 0x13;
    /// <summary>Set Last Processed Event ID.</summary>
    public const byte SetLastProcessedEventId = 0x14;
    /// <summary>Get Last Processed Event ID.</summary>
    public const byte GetLastProcessedEventId = 0x15;
    /// <summary>Set Sensor Hysteresis.</summary>
    public const byte SetSensorHysteresis = 0x24;
    /// <summary>Get Sensor Hysteresis.</summary>
    public const byte GetSensorHysteresis = 0x25;
    /// <summary>Set Sensor Thresholds.</summary>
    public const byte SetSensorThresholds = 0x26;
    /// <summary>Get Sensor Thresholds.</summary>
    public const byte GetSensorThresholds = 0x27;
    /// <summary>Set Sensor Event Enable.</summary>
    public const byte SetSensorEventEnable = 0x28;
    /// <summary>Get Sensor Event Enable.</summary>
    public const byte GetSensorEventEnable = 0x29;
    /// <summary>Get Sensor Reading.</summary>
    public const byte GetSensorReading = 0x2D;
}

/// <summary>Command numbers of NetFn Storage: FRU, SDR repository and SEL (IPMI v2.0 appendix G).</summary>
public static class StorageCommand
{
    /// <summary>Get FRU Inventory Area Info.</summary>
    public const byte GetFruInventoryAreaInfo = 0x10;
    /// <summary>Read FRU Data.</summary>
    public const byte ReadFruData = 0x11;
    /// <summary>Write FRU Data.</summary>
    public const byte WriteFruData = 0x12;
    /// <summary>Get SDR Repository Info.</summary>
    public const byte GetSdrRepositoryInfo = 0x20;
    /// <summary>Reserve SDR Repository.</summary>
    public const byte ReserveSdrRepository = 0x22;
    /// <summary>Get SDR.</summary>
    public const byte GetSdr = 0x23;
    /// <summary>Get SEL Info.</summary>
    public const byte GetSelInfo = 0x40;
    /// <summary>Reserve SEL.</summary>
    public const byte ReserveSel = 0x42;
    /// <summary>Get SEL Entry.</summary>
    public const byte GetSelEntry = 0x43;
    /// <summary>Add SEL Entry.</summary>
    public const byte AddSelEntry = 0x44;
    /// <summary>Delete SEL Entry.</summary>
    public const byte DeleteSelEntry = 0x46;
    /// <summary>Clear SEL.</summary>
    public const byte ClearSel = 0x47;
    /// <summary>Get SEL Time.</summary>
    public const byte GetSelTime = 0x48;
    /// <summary>Set SEL Time.</summary>
    public const byte SetSelTime = 0x49;
}

/// <summary>Command numbers of NetFn Transport (IPMI v2.0 appendix G).</summary>
public static class TransportCommand
{
    /// <summary>Set LAN Configuration Parameters.</summary>
    public const byte SetLanConfigurationParameters = 0x01;
    /// <summary>Get LAN Configuration Parameters.</summary>
    public const byte GetLanConfigurationParameters = 0x02;
    /// <summary>Set SOL Configuration Parameters.</summary>
    public const byte SetSolConfigurationParameters = 0x21;
    /// <summary>Get SOL Configuration Parameters.</summary>
    public const byte GetSolConfigurationParameters = 0x22;
}

/// <summary>DCMI commands (NetFn Group Extension, defining body DCh; DCMI v1.5 table 6-1).</summary>
public static class DcmiCommand
{
    /// <summary>The group extension identification byte that starts every DCMI request and response.</summary>
    public const byte GroupExtension = 0xDC;
    /// <summary>Get DCMI Capabilities Info.</summary>
    public const byte GetDcmiCapabilitiesInfo = 0x01;
    /// <summary>Get Power Reading.</summary>
    public const byte GetPowerReading = 0x02;
    /// <summary>Get Power Limit.</summary>
    public const byte GetPowerLimit = 0x03;
    /// <summary>Set Power Limit.</summary>
    public const byte SetPowerLimit = 0x04;
    /// <summary>Activate/Deactivate Power Limit.</summary>
    public const byte ActivatePowerLimit = 0x05;
}

/// <summary>
/// The appliance BMC's own commands, NetFn 30h (OEM/Group, no IANA number in the request);
/// bmc/Appliance.Bmc.Ipmi/README.md documents each.
/// </summary>
public static class OemCommand
{
    /// <summary>NetFn 30h: the first OEM/Group NetFn (IPMI v2.0 table 5-1), used without an IANA number.</summary>
    public const Appliance.Ipmi.NetFn NetFn = (Appliance.Ipmi.NetFn)0x30;
    /// <summary>Front Panel PIN: get status, set or clear the setup PIN.</summary>
    public const byte FrontPanelPin = 0x70;
    /// <summary>Get Cluster Join: the join token and cluster address the BMC holds for its host.</summary>
    public const byte GetClusterJoin = 0x71;
    /// <summary>Set Cluster Join: set or clear the join token or the cluster address.</summary>
    public const byte SetClusterJoin = 0x72;
    /// <summary>Report Cluster Membership: the host tells its BMC where it stands (system interface only).</summary>
    public const byte ReportClusterMembership = 0x73;
    /// <summary>Get Cluster Membership: what the host last reported (Operator over LAN, as the cluster polls it).</summary>
    public const byte GetClusterMembership = 0x74;
}
