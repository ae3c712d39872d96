namespace Appliance.Hw.Boards;

/// <summary>Where the board's FRU inventory lives.</summary>
public sealed record FruDescription
{
    /// <summary>The AT24 EEPROM holding the FRU image.</summary>
    public required string Device { get; init; }
}
