namespace Appliance.Hw.Spd;

/// <summary>
/// JEDEC JEP106 manufacturer IDs: a bank (one plus the count of 0x7F continuation codes) and a
/// code whose top bit is odd parity. Only the memory makers seen in servers are named.
/// </summary>
public static class Jep106
{
    private static readonly Dictionary<(int Bank, byte Code), string> Known = new()
    {
        [(1, 0x2C)] = "Micron Technology",
        [(1, 0xCE)] = "Samsung",
        [(1, 0xAD)] = "SK Hynix",
        [(2, 0x98)] = "Kingston",
        [(5, 0xCD)] = "G.Skill",
        [(6, 0x9B)] = "Crucial Technology",
    };

    /// <summary>The maker's name, or the raw code when it is not one of the known ones.</summary>
    public static string Name(byte continuation, byte code)
    {
        int bank = (continuation & 0x7F) + 1;
        return Known.TryGetValue((bank, code), out string? name) ? name : $"JEP106 bank {bank} code 0x{code:X2}";
    }

    /// <summary>Whether a byte has odd parity, as every JEP106 byte must.</summary>
    public static bool HasOddParity(byte value) => System.Numerics.BitOperations.PopCount(value) % 2 == 1;
}
