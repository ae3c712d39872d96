namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>SOL configuration parameter selectors (IPMI v2.0 table 26-5) and their completion codes.</summary>
public static class SolParameter
{
    public const byte SetInProgress = 0;
    public const byte Enable = 1;
    public const byte Authentication = 2;
    public const byte CharacterAccumulate = 3;
    public const byte Retry = 4;
    public const byte NonVolatileBitRate = 5;
    public const byte VolatileBitRate = 6;
    public const byte PayloadChannel = 7;
    public const byte PayloadPort = 8;

    /// <summary>Parameter revision reported with every answer.</summary>
    public const byte Revision = 0x11;

    public const byte ParameterNotSupported = 0x80;
    public const byte SetInProgressAlready = 0x81;
    public const byte ReadOnlyParameter = 0x82;

    /// <summary>Bit rate codes: 0 uses the serial port's own setting; 9.6, 19.2, 38.4, 57.6 and 115.2 kbps.</summary>
    public static bool IsBitRate(byte value) => value is 0 or (>= 6 and <= 0x0A);
}
