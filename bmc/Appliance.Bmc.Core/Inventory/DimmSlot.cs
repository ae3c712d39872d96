using Appliance.Hw.Boards;
using Appliance.Hw.Spd;

namespace Appliance.Bmc.Inventory;

/// <summary>A DIMM slot and the module its SPD describes; <paramref name="Fault"/> says why a fitted module is unknown.</summary>
public sealed record DimmSlot(MemorySlotDescription Slot, int Index, Presence Presence, Ddr4Module? Module, string? Fault = null);
