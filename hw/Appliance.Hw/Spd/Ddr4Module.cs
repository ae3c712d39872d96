namespace Appliance.Hw.Spd;

/// <summary>What a DDR4 module's SPD says about it (JEDEC 21-C 4.1.2.L, DDR4 SPD contents).</summary>
public sealed record Ddr4Module
{
    /// <summary>Key Byte / Module Type: "RDIMM", "UDIMM", "SO-DIMM", "LRDIMM", ...</summary>
    public required string ModuleType { get; init; }

    public required int CapacityMiB { get; init; }

    /// <summary>The speed grade from tCKAVGmin, in MT/s (3200 for DDR4-3200).</summary>
    public required int SpeedMTs { get; init; }

    /// <summary>tCKAVGmin in picoseconds (medium plus fine timebase).</summary>
    public required int TckMinPicoseconds { get; init; }

    /// <summary>Package ranks on the module.</summary>
    public required int Ranks { get; init; }

    /// <summary>SDRAM device width in bits (4, 8, 16, 32).</summary>
    public required int DeviceWidth { get; init; }

    /// <summary>Capacity of one SDRAM die, in gigabits.</summary>
    public required double DieDensityGbit { get; init; }

    /// <summary>Primary bus width in bits (64); <see cref="BusWidthBits"/> adds the ECC extension (72).</summary>
    public required int DataWidthBits { get; init; }
    public required int BusWidthBits { get; init; }

    /// <summary>JEP106 module manufacturer ID as stored: continuation-count byte then code ("0x80ce").</summary>
    public required string ManufacturerId { get; init; }

    /// <summary>The manufacturer's name when the JEP106 code is a known one, else "JEP106 bank B code 0xCC".</summary>
    public required string Manufacturer { get; init; }

    public required string PartNumber { get; init; }

    /// <summary>Module serial number: the four SPD bytes as 8 hex digits.</summary>
    public required string SerialNumber { get; init; }
}
