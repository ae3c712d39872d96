using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Appliance.Hw.Sim.Chips;

namespace Appliance.Hw.Sim.Inventory;

/// <summary>
/// The DIMMs the board file fits in its slots: an EE1004 SPD per fitted DIMM on the memory SMBus,
/// programmed from the DIMM's description, and the page-select addresses every SPD on the bus answers.
/// </summary>
internal sealed class FittedDimms
{
    private readonly BoardDescription _board;
    private readonly Dictionary<string, Ee1004Chip> _spds = [];

    public FittedDimms(BoardDescription board, I2cBuses buses)
    {
        _board = board;
        if (board.Memory is not MemoryDescription memory)
        {
            return;
        }

        var page = new SpdPage();
        foreach (MemorySlotDescription slot in memory.Slots)
        {
            if (board.Simulation.Memory.TryGetValue(slot.Locator, out SimulatedDimm? dimm))
            {
                var spd = new Ee1004Chip(Ddr4SpdImage.Encode(dimm), page);
                _spds[slot.Locator] = spd;
                buses.Attach(memory.Bus, slot.Address, slot.Locator, spd);
            }
        }

        if (_spds.Count > 0)
        {
            buses.Attach(memory.Bus, Ee1004.SetPage0Address, "spd_page_select", new SpdPageSelectChip(page, 0));
            buses.Attach(memory.Bus, Ee1004.SetPage1Address, "spd_page_select", new SpdPageSelectChip(page, 1));
        }
    }

    /// <summary>The SPD of the DIMM in a slot; null when the slot is empty.</summary>
    public Ee1004Chip? Spd(string locator)
    {
        if (_board.Memory?.Slots.Any(s => s.Locator == locator) != true)
        {
            throw new ArgumentException($"no DIMM slot named {locator}", nameof(locator));
        }

        return _spds.GetValueOrDefault(locator);
    }
}
