using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>
/// The DIMM slots and the memory SMBus their SPD EEPROMs sit on. DDR4 SPDs answer at 0x50..0x57
/// (the slot's SA2..SA0 straps) and share the bus-wide page-select addresses 0x36/0x37.
/// </summary>
public sealed record MemoryDescription
{
    /// <summary>The memory SMBus, as the N of /dev/i2c-N.</summary>
    public required int Bus { get; init; }

    public required IReadOnlyList<MemorySlotDescription> Slots { get; init; }
}

/// <summary>One DIMM slot: its silkscreen name, where it hangs off the processors, and its SPD address.</summary>
public sealed record MemorySlotDescription
{
    /// <summary>The slot's label on the board (SMBIOS Type 17 Device Locator), e.g. "CPU0_DIMM_A1".</summary>
    public required string Locator { get; init; }

    /// <summary>Index of the socket (in <see cref="ProcessorsDescription.Sockets"/>) whose controller drives the slot.</summary>
    public required int Socket { get; init; }

    public required int Controller { get; init; }
    public required int Channel { get; init; }

    /// <summary>The slot within its channel (0 for the first DIMM of the channel).</summary>
    public required int Slot { get; init; }

    /// <summary>The SPD EEPROM's 7-bit address, 0x50..0x57.</summary>
    [JsonConverter(typeof(HexByteConverter))]
    public required int Address { get; init; }
}
