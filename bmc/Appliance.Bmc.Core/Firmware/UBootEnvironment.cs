using System.Buffers.Binary;
using System.Text;

namespace Appliance.Bmc.Firmware;

/// <summary>
/// A U-Boot environment (what fw_printenv/fw_setenv and mkenvimage handle, without the redundant
/// copy): a little-endian CRC-32 of the data, then name=value strings each ended by a NUL, an
/// empty string last, NUL padding up to the environment's size.
/// </summary>
public sealed class UBootEnvironment(string path, long offset, int size) : BootEnvironment
{
    public override IReadOnlyDictionary<string, string> Read()
    {
        byte[] env = new byte[size];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            file.Position = offset;
            file.ReadExactly(env);
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(env);
        if (crc != Crc32(env.AsSpan(4)))
        {
            throw new InvalidDataException($"the U-Boot environment in {path} at {offset} has a bad CRC");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        int start = 4;
        while (start < env.Length && env[start] != 0)
        {
            int end = Array.IndexOf(env, (byte)0, start);
            string entry = Encoding.UTF8.GetString(env, start, end - start);
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables[entry[..equals]] = entry[(equals + 1)..];
            }

            start = end + 1;
        }

        return variables;
    }

    public override void Write(IReadOnlyDictionary<string, string> variables)
    {
        byte[] env = new byte[size];
        int at = 4;
        foreach ((string name, string value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            byte[] entry = Encoding.UTF8.GetBytes(name + "=" + value);
            if (at + entry.Length + 2 > env.Length)
            {
                throw new InvalidOperationException($"the boot environment does not fit U-Boot's {size} bytes");
            }

            entry.CopyTo(env, at);
            at += entry.Length + 1;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(env, Crc32(env.AsSpan(4)));
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = offset;
        file.Write(env);
        file.Flush(flushToDisk: true);
    }

    /// <summary>The CRC-32 U-Boot uses (zlib's: reflected, polynomial EDB88320h).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
