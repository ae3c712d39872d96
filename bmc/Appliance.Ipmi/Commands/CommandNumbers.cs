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
    /// <summary>Get Channel Cipher Suites (session layer; also allowed before a session).</summary>
    public const byte GetChannelCipherSuites = 0x54;
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
    /// <summary>Get POH Counter.</summary>
    public const byte GetPohCounter = 0x0F;
}
