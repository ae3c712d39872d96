using Appliance.Hw.Smbios;

namespace Appliance.Bmc.Inventory;

/// <summary>A processor socket as the last SMBIOS hand-off described it.</summary>
/// <param name="Index">Position in the board file's socket list (entity instance Index + 1 for its sensors).</param>
public sealed record ProcessorSocket(string Socket, int Index, Presence Presence, ProcessorInformation? Processor);
