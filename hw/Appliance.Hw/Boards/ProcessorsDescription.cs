namespace Appliance.Hw.Boards;

/// <summary>
/// The processor sockets, and where the host's firmware leaves its SMBIOS table for the BMC:
/// the BIOS writes it at the end of POST into a mailbox EEPROM the BMC reads over I2C.
/// </summary>
public sealed record ProcessorsDescription
{
    /// <summary>The at24 device in $.devices holding the SMBIOS hand-off (see hw/boards/README.md).</summary>
    public required string SmbiosMailbox { get; init; }

    /// <summary>Socket designations, as silkscreened and as the BIOS names them in SMBIOS Type 4 ("CPU0").</summary>
    public required IReadOnlyList<string> Sockets { get; init; }
}
