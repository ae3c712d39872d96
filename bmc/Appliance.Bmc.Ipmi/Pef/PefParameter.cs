namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>PEF configuration parameter selectors (IPMI v2.0 table 30-6) and the LAN parameters PEF alerts use (table 23-4).</summary>
public static class PefParameter
{
    public const byte SetInProgress = 0;
    public const byte Control = 1;
    public const byte ActionGlobalControl = 2;
    public const byte StartupDelay = 3;
    public const byte AlertStartupDelay = 4;
    public const byte NumberOfEventFilters = 5;
    public const byte EventFilterTable = 6;
    public const byte EventFilterTableData1 = 7;
    public const byte NumberOfAlertPolicyEntries = 8;
    public const byte AlertPolicyTable = 9;
    public const byte SystemGuid = 10;
    public const byte NumberOfAlertStrings = 11;
    public const byte AlertStringKeys = 12;
    public const byte AlertStrings = 13;

    /// <summary>Parameter revision reported with every answer.</summary>
    public const byte Revision = 0x11;

    /// <summary>Command-specific completion codes of Get/Set PEF Configuration Parameters.</summary>
    public const byte ParameterNotSupported = 0x80;
    public const byte ReadOnlyParameter = 0x82;

    /// <summary>LAN configuration parameters for alerting.</summary>
    public const byte LanCommunityString = 16;
    public const byte LanNumberOfDestinations = 17;
    public const byte LanDestinationType = 18;
    public const byte LanDestinationAddresses = 19;
}
