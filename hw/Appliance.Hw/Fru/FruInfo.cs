namespace Appliance.Hw.Fru;

/// <summary>
/// The inventory a FRU EEPROM holds, in the Platform Management FRU Information Storage
/// Definition's chassis, board and product areas.
/// </summary>
public sealed record FruInfo
{
    /// <summary>SMBIOS chassis type (23 = rack mount chassis).</summary>
    public required int ChassisType { get; init; }
    public required string ChassisPartNumber { get; init; }
    public required string ChassisSerialNumber { get; init; }
    public required string BoardManufacturer { get; init; }
    public required string BoardProductName { get; init; }
    public required string BoardSerialNumber { get; init; }
    public required string BoardPartNumber { get; init; }
    public required DateTimeOffset BoardManufacturedAt { get; init; }
    public required string ProductManufacturer { get; init; }
    public required string ProductName { get; init; }
    public required string ProductPartNumber { get; init; }
    public required string ProductVersion { get; init; }
    public required string ProductSerialNumber { get; init; }
    public required string ProductAssetTag { get; init; }
}
