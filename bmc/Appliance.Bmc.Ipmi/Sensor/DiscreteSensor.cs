namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// One of the BMC's own discrete sensors (see <see cref="Sel.BuiltInSensors"/>) as IPMI shows it: a
/// compact SDR so event logs can name it, and a present state for Get Sensor Reading.
/// </summary>
/// <param name="Number">Sensor number (E0h and up).</param>
/// <param name="Type">IPMI sensor type.</param>
/// <param name="Name">ID string (at most 16 characters).</param>
/// <param name="EntityId">IPMI entity ID.</param>
/// <param name="AssertionMask">Sensor-specific offsets the BMC may log as assertions (bit n for offset n).</param>
/// <param name="DeassertionMask">Offsets the BMC may log as deassertions.</param>
/// <param name="ReadingMask">Offsets the present state can show.</param>
/// <param name="State">The present state bits (bit n: offset n asserted).</param>
public sealed record DiscreteSensor(byte Number, byte Type, string Name, byte EntityId, ushort AssertionMask, ushort DeassertionMask, ushort ReadingMask, Func<ushort> State);
