using Appliance.Hw.Boards;
using Appliance.Hw.Sim.Chips;

namespace Appliance.Hw.Sim.Inventory;

/// <summary>
/// How the simulated BIOS hands its SMBIOS table on: into the mailbox EEPROM the BMC reads (through
/// the BIOS's own port of the bus arbiter), just before it signals POST complete so the BMC finds
/// it fresh on that edge, and to the host's operating system when it boots.
/// </summary>
internal sealed class SmbiosHandOff(BoardDescription board, I2cBuses buses)
{
    /// <summary>The table the BIOS builds from the fitted processors and DIMMs.</summary>
    public byte[] Table() => SmbiosImage.Encode(board);

    /// <summary>Writes the table into the mailbox; a board without one has nothing to do.</summary>
    public void WriteMailbox()
    {
        if (board.Processors is ProcessorsDescription processors)
        {
            buses.Chip<At24Chip>(board.Device(processors.SmbiosMailbox)).Program(Table());
        }
    }

    /// <summary>What the mailbox holds (blank 0xFF until the first POST completes).</summary>
    public byte[] Mailbox() => buses.Chip<At24Chip>(board.Device(board.Processors!.SmbiosMailbox)).Contents.ToArray();
}
