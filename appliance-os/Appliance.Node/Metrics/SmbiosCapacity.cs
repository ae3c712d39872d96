using System.Buffers.Binary;
using System.Text;

namespace Appliance.Node.Metrics;

/// <summary>
/// What the host's firmware says the machine has (DMTF DSP0134): the hardware threads of its populated
/// processors (Processor Information, type 4) and the size of its memory devices (type 17). Reads the
/// structure table as Linux exposes it (/sys/firmware/dmi/tables/DMI) or a dump that starts with an
/// SMBIOS entry point (dmidecode --dump-bin).
/// </summary>
public sealed record SmbiosCapacity(int Threads, long MemoryMiB, string CpuModel, int Mhz)
{
    private const byte ProcessorInformation = 4;
    private const byte MemoryDevice = 17;
    private const byte EndOfTable = 127;

    /// <exception cref="InvalidDataException">The table is malformed or lists no processor or no memory.</exception>
    public static SmbiosCapacity Read(string path) => Parse(File.ReadAllBytes(path));

    public static SmbiosCapacity Parse(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> table = StructureTable(data);
        int threads = 0, mhz = 0;
        long memoryMiB = 0;
        string model = "";
        int at = 0;
        while (at + 4 <= table.Length)
        {
            byte type = table[at];
            int length = table[at + 1];
            if (length < 4 || at + length > table.Length)
                throw new InvalidDataException($"SMBIOS structure type {type} at offset {at} has length {length}");
            ReadOnlySpan<byte> formatted = table.Slice(at, length);
            int strings = at + length;
            int end = table[strings..].IndexOf("\0\0"u8);
            if (end < 0) throw new InvalidDataException($"SMBIOS structure type {type} at offset {at} has no end to its strings");
            string[] texts = end == 0 ? [] : Encoding.ASCII.GetString(table.Slice(strings, end)).Split('\0');

            if (type == ProcessorInformation && Byte(formatted, 0x18) is var status && (status & 0x40) != 0)
            {
                threads += ThreadCount(formatted);
                if (model.Length == 0)
                {
                    model = Text(texts, Byte(formatted, 0x10));
                    mhz = Word(formatted, 0x16);
                }
            }
            else if (type == MemoryDevice)
            {
                memoryMiB += SizeMiB(formatted);
            }
            else if (type == EndOfTable)
            {
                break;
            }

            at = strings + end + 2;
        }

        if (threads == 0) throw new InvalidDataException("the SMBIOS table lists no populated processor (type 4)");
        if (memoryMiB == 0) throw new InvalidDataException("the SMBIOS table lists no installed memory device (type 17)");
        return new SmbiosCapacity(threads, memoryMiB, model, mhz);
    }

    // A dump starts with the 64-bit ("_SM3_") or 32-bit ("_SM_") entry point, which says where the table is.
    private static ReadOnlySpan<byte> StructureTable(ReadOnlySpan<byte> data)
    {
        (long address, long length) = data switch
        {
            _ when data.StartsWith("_SM3_"u8) && data.Length >= 0x18 =>
                ((long)BinaryPrimitives.ReadUInt64LittleEndian(data[0x10..]), (long)BinaryPrimitives.ReadUInt32LittleEndian(data[0x0C..])),
            _ when data.StartsWith("_SM_"u8) && data.Length >= 0x1F =>
                ((long)BinaryPrimitives.ReadUInt32LittleEndian(data[0x18..]), (long)BinaryPrimitives.ReadUInt16LittleEndian(data[0x16..])),
            _ => (0L, (long)data.Length),
        };
        if (address < 0 || address > data.Length || length > data.Length - address)
            throw new InvalidDataException($"the SMBIOS entry point places its table ({length} bytes at 0x{address:X}) outside the {data.Length}-byte file");
        return data.Slice((int)address, (int)length);
    }

    // Thread Count (0x25), or Thread Count 2 (0x2E) when it says FFh; a processor that reports none counts its cores, or one.
    private static int ThreadCount(ReadOnlySpan<byte> p)
    {
        int threads = Byte(p, 0x25) == 0xFF ? Word(p, 0x2E) : Byte(p, 0x25);
        if (threads > 0) return threads;
        int cores = Byte(p, 0x23) == 0xFF ? Word(p, 0x2A) : Byte(p, 0x23);
        return Math.Max(cores, 1);
    }

    // Size (0x0C): 0 no device, FFFFh unknown, 7FFFh see Extended Size (0x1C, MB); bit 15 set means KB.
    private static long SizeMiB(ReadOnlySpan<byte> m)
    {
        int size = Word(m, 0x0C);
        return size switch
        {
            0 or 0xFFFF => 0,
            0x7FFF => BinaryPrimitives.ReadUInt32LittleEndian(m.Length >= 0x20 ? m[0x1C..] : new byte[4]) & 0x7FFFFFFF,
            _ when (size & 0x8000) != 0 => (size & 0x7FFF) / 1024,
            _ => size,
        };
    }

    private static byte Byte(ReadOnlySpan<byte> s, int offset) => offset < s.Length ? s[offset] : (byte)0;

    private static int Word(ReadOnlySpan<byte> s, int offset) => offset + 1 < s.Length ? BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]) : 0;

    private static string Text(string[] texts, int index) => index >= 1 && index <= texts.Length ? texts[index - 1].Trim() : "";
}
