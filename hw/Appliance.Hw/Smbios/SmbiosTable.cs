using System.Buffers.Binary;
using System.Text;

namespace Appliance.Hw.Smbios;

/// <summary>
/// An SMBIOS 3.x table as the BIOS hands it to the BMC (DMTF DSP0134): the 64-bit entry point
/// ("_SM3_") at offset 0, its structure table at the offset the entry point names. Each structure
/// is a formatted area (type, length, handle, fields) followed by its strings, ended by a double NUL.
/// </summary>
public sealed class SmbiosTable
{
    public const int EntryPointLength = 0x18;
    private static readonly byte[] Anchor = "_SM3_"u8.ToArray();

    private SmbiosTable(Version version, IReadOnlyList<SmbiosStructure> structures, int length)
    {
        Version = version;
        Structures = structures;
        Length = length;
    }

    public Version Version { get; }

    /// <summary>Bytes of the hand-off the table occupies: up to the end of its structure table.</summary>
    public int Length { get; }
    public IReadOnlyList<SmbiosStructure> Structures { get; }

    /// <summary>The BIOS Information (Type 0) structure, if the table has one.</summary>
    public BiosInformation? Bios =>
        Structures.Where(s => s.Type == BiosInformation.Type).Select(BiosInformation.Decode).FirstOrDefault();

    /// <summary>Processor Information (Type 4) structures, in table order.</summary>
    public IEnumerable<ProcessorInformation> Processors =>
        Structures.Where(s => s.Type == ProcessorInformation.Type).Select(ProcessorInformation.Decode);

    /// <summary>Whether the image starts with an SMBIOS 3 entry point (a blank mailbox does not).</summary>
    public static bool HasEntryPoint(ReadOnlySpan<byte> image) => image.Length >= EntryPointLength && image.StartsWith(Anchor);

    /// <exception cref="InvalidDataException">The entry point or a structure is malformed.</exception>
    public static SmbiosTable Decode(ReadOnlySpan<byte> image)
    {
        if (!HasEntryPoint(image))
        {
            throw new InvalidDataException("no SMBIOS 3 entry point (\"_SM3_\") at offset 0");
        }

        int length = image[6];
        if (length < EntryPointLength || length > image.Length)
        {
            throw new InvalidDataException($"the SMBIOS entry point claims {length} bytes");
        }

        int sum = ByteChecksum.Sum(image[..length]);
        if (sum != 0)
        {
            throw new InvalidDataException($"the SMBIOS entry point checksum is off by 0x{sum:X2}");
        }

        var version = new Version(image[7], image[8]);
        uint maxSize = BinaryPrimitives.ReadUInt32LittleEndian(image[0x0C..]);
        ulong address = BinaryPrimitives.ReadUInt64LittleEndian(image[0x10..]);
        if (address > (ulong)image.Length || maxSize > (ulong)image.Length - address)
        {
            throw new InvalidDataException($"the SMBIOS structure table ({maxSize} bytes at 0x{address:X}) lies outside the {image.Length}-byte hand-off");
        }

        return new SmbiosTable(version, Walk(image.Slice((int)address, (int)maxSize)), (int)(address + maxSize));
    }

    private static List<SmbiosStructure> Walk(ReadOnlySpan<byte> table)
    {
        var structures = new List<SmbiosStructure>();
        int at = 0;
        while (at + 4 <= table.Length)
        {
            byte type = table[at];
            int length = table[at + 1];
            ushort handle = BinaryPrimitives.ReadUInt16LittleEndian(table[(at + 2)..]);
            if (length < 4 || at + length > table.Length)
            {
                throw new InvalidDataException($"SMBIOS structure type {type} at offset {at} has length {length}");
            }

            byte[] formatted = table.Slice(at, length).ToArray();
            int strings = at + length;
            int end = table[strings..].IndexOf("\0\0"u8);
            if (end < 0)
            {
                throw new InvalidDataException($"SMBIOS structure type {type} at offset {at} has no end to its strings");
            }

            string[] texts = end == 0
                ? []
                : Encoding.ASCII.GetString(table.Slice(strings, end)).Split('\0');
            structures.Add(new SmbiosStructure(type, handle, formatted, texts));
            if (type == SmbiosStructure.EndOfTable)
            {
                break;
            }

            at = strings + end + 2;
        }

        return structures;
    }
}

/// <summary>One SMBIOS structure: its formatted area and its strings (numbered from 1).</summary>
public sealed record SmbiosStructure(byte Type, ushort Handle, byte[] Formatted, IReadOnlyList<string> Strings)
{
    public const byte EndOfTable = 127;

    public byte Byte(int offset) => offset < Formatted.Length ? Formatted[offset] : (byte)0;

    public ushort Word(int offset) => offset + 1 < Formatted.Length ? BinaryPrimitives.ReadUInt16LittleEndian(Formatted.AsSpan(offset)) : (ushort)0;

    /// <summary>The string a field refers to; 0 means none.</summary>
    public string String(int offset)
    {
        int index = Byte(offset);
        return index >= 1 && index <= Strings.Count ? Strings[index - 1].Trim() : "";
    }
}
