using Appliance.Hw.Boards;
using Appliance.Hw.Sim.Chips;

namespace Appliance.Hw.Sim;

/// <summary>The chips on the simulated board's I2C buses, by bus and address, as a transfer finds them. Not thread-safe: the board serialises it.</summary>
internal sealed class I2cBuses
{
    private readonly Dictionary<(int Bus, int Address), (string Name, ISimChip Chip)> _chips = [];

    /// <param name="name">The device (or DIMM slot) the chip is, for faults that name it.</param>
    public void Attach(int bus, int address, string name, ISimChip chip) => _chips[(bus, address)] = (name, chip);

    /// <summary>The chip answering at an address, or null when nothing is there.</summary>
    public (string Name, ISimChip Chip)? At(int bus, int address) => _chips.TryGetValue((bus, address), out var entry) ? entry : null;

    /// <summary>The chip a board file's device is.</summary>
    public TChip Chip<TChip>(DeviceDescription device)
        where TChip : ISimChip => (TChip)_chips[(device.Bus, device.Address)].Chip;
}
