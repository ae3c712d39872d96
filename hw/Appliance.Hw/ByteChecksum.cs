namespace Appliance.Hw;

/// <summary>
/// The 8-bit zero-sum checksum that FRU areas and the SMBIOS entry point share: all bytes,
/// checksum included, add up to 0 modulo 256. One implementation so encoder and decoders agree.
/// </summary>
public static class ByteChecksum
{
    /// <summary>The sum of the bytes modulo 256; 0 when a checksummed block is intact.</summary>
    public static int Sum(ReadOnlySpan<byte> bytes)
    {
        int sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum & 0xFF;
    }

    /// <summary>The checksum byte that, added to <paramref name="bytes"/>, makes their sum 0 modulo 256.</summary>
    public static byte ZeroSum(ReadOnlySpan<byte> bytes) => (byte)(-Sum(bytes));
}
