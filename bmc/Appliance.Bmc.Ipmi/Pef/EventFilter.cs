using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>Whether an event filter table entry (IPMI v2.0 table 30-2, 20 bytes) matches an event.</summary>
public static class EventFilter
{
    private const byte Any = 0xFF;

    public static bool Matches(ReadOnlySpan<byte> f, SelRecord e)
    {
        if ((f[4] != Any && f[4] != (byte)(e.GeneratorId & 0xFF))
            || (f[5] != Any && f[5] != (byte)(e.GeneratorId >> 8))
            || (f[6] != Any && f[6] != e.SensorType)
            || (f[7] != Any && f[7] != e.SensorNumber)
            || (f[8] != Any && f[8] != e.EventType))
        {
            return false;
        }

        // Event data 1 offset mask: bit n selects offset n (both assertion and deassertion events of it).
        int offsetMask = f[9] | (f[10] << 8);
        if ((offsetMask & (1 << e.Offset)) == 0)
        {
            return false;
        }

        return DataMatches(e.EventData1, f[11], f[12], f[13])
            && DataMatches(e.EventData2, f[14], f[15], f[16])
            && DataMatches(e.EventData3, f[17], f[18], f[19]);
    }

    /// <summary>
    /// AND mask selects the bits that take part; compare 1 says which of them must equal compare 2
    /// exactly, and of the rest at least one must be set where compare 2 has it set.
    /// </summary>
    private static bool DataMatches(byte data, byte and, byte compare1, byte compare2)
    {
        byte masked = (byte)(data & and);
        byte exact = (byte)(and & compare1);
        if ((masked & exact) != (compare2 & exact))
        {
            return false;
        }

        byte loose = (byte)(and & ~compare1);
        return loose == 0 || (masked & compare2 & loose) != 0;
    }
}
