namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>LAN configuration parameter selectors (IPMI v2.0 table 23-4) this BMC answers.</summary>
public static class LanParameter
{
    public const byte SetInProgress = 0;
    public const byte AuthenticationTypeSupport = 1;
    public const byte AuthenticationTypeEnables = 2;
    public const byte IpAddress = 3;
    public const byte IpAddressSource = 4;
    public const byte MacAddress = 5;
    public const byte SubnetMask = 6;
    public const byte Ipv4HeaderParameters = 7;
    public const byte DefaultGatewayAddress = 12;
    public const byte DefaultGatewayMacAddress = 13;
    public const byte BackupGatewayAddress = 14;
    public const byte BackupGatewayMacAddress = 15;
    public const byte VlanId = 20;
    public const byte VlanPriority = 21;
    public const byte CipherSuiteEntrySupport = 22;
    public const byte CipherSuiteEntries = 23;
    public const byte CipherSuitePrivilegeLevels = 24;
    public const byte BadPasswordThreshold = 26;

    /// <summary>Parameter revision reported with every answer.</summary>
    public const byte Revision = 0x11;

    /// <summary>Command-specific completion codes shared by Get and Set LAN Configuration Parameters.</summary>
    public const byte ParameterNotSupported = 0x80;
    public const byte SetInProgressAlready = 0x81;
    public const byte ReadOnlyParameter = 0x82;

    // IP address source values.
    public const byte SourceStatic = 0x01;
    public const byte SourceDhcp = 0x02;
}
