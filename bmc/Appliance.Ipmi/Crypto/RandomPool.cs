using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// Cryptographically random bytes handed out from a per-thread block that one
/// <see cref="RandomNumberGenerator"/> call refills 4 KiB at a time. Each such call costs about a
/// microsecond whatever its size, and a session needs many small pieces: its ID, the RAKP random,
/// an IV per packet. Bytes are handed out once and wiped from the block as they go.
/// </summary>
internal static class RandomPool
{
    private const int BlockSize = 4096;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BlockSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        byte[]? block = t_block;
        if (block is null || t_next + destination.Length > BlockSize)
        {
            block ??= t_block = new byte[BlockSize];
            RandomNumberGenerator.Fill(block);
            t_next = 0;
        }

        Span<byte> source = block.AsSpan(t_next, destination.Length);
        source.CopyTo(destination);
        source.Clear();
        t_next += destination.Length;
    }
}
