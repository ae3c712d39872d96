namespace Appliance.Hw.Boards;

/// <summary>A processor fitted in a simulated socket, as the BIOS reports it in SMBIOS Type 4.</summary>
public sealed record SimulatedProcessor
{
    /// <summary>Processor Manufacturer string ("Intel(R) Corporation").</summary>
    public required string Manufacturer { get; init; }

    /// <summary>Processor Version string: the CPUID brand string.</summary>
    public required string Model { get; init; }

    /// <summary>CPUID leaf 1 EAX (family, model, stepping), as "0x000606a6".</summary>
    public required string Signature { get; init; }

    public required int MaxSpeedMHz { get; init; }
    public required int CurrentSpeedMHz { get; init; }
    public required int Cores { get; init; }
    public required int Threads { get; init; }
    public string? SerialNumber { get; init; }
    public string? PartNumber { get; init; }
}

/// <summary>A DDR4 RDIMM fitted in a simulated slot; the simulator programs its SPD from this.</summary>
public sealed record SimulatedDimm
{
    public required int CapacityGiB { get; init; }

    /// <summary>Package ranks (1, 2, 4 or 8).</summary>
    public required int Ranks { get; init; }

    /// <summary>SDRAM device width in bits (4, 8 or 16); with capacity and ranks this fixes the die density.</summary>
    public required int DeviceWidth { get; init; }

    /// <summary>The JEDEC speed grade in MT/s (3200 for DDR4-3200).</summary>
    public required int SpeedMTs { get; init; }

    /// <summary>JEP106 module manufacturer ID as the SPD stores it: continuation count byte, then code, both with odd parity ("0x80ce").</summary>
    public required string ManufacturerId { get; init; }

    /// <summary>Module part number, up to 20 ASCII characters.</summary>
    public required string PartNumber { get; init; }

    /// <summary>Module serial number: the four SPD bytes as 8 hex digits.</summary>
    public required string SerialNumber { get; init; }
}
