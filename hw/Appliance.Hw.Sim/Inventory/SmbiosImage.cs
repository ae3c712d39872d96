using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Appliance.Hw.Boards;
using Appliance.Hw.Smbios;

namespace Appliance.Hw.Sim.Inventory;

/// <summary>
/// The SMBIOS 3.3 table the simulated BIOS hands to the BMC at the end of POST: the 64-bit entry
/// point at offset 0 and, after it, the BIOS Information (Type 0), one Processor Information
/// (Type 4) structure per socket (unpopulated sockets included, as DSP0134 asks) and the
/// End-of-Table structure.
/// </summary>
public static class SmbiosImage
{
    /// <summary>What the simulated firmware calls itself in its BIOS Information.</summary>
    public const string BiosVendor = "Appliance";
    public const string BiosVersion = "HC1.1.4.0";
    public const string BiosReleaseDate = "10/15/2026";

    private const byte IntelXeonFamily = 0xB3;
    private const byte ServerSocketUpgrade = 0x01;   // "Other": the LGA4189 value is newer than many decoders

    public static byte[] Encode(ProcessorsDescription sockets, IReadOnlyDictionary<string, SimulatedProcessor> fitted)
    {
        var table = new List<byte>();
        table.AddRange(Type0());
        ushort handle = 0x0400;
        foreach (string socket in sockets.Sockets)
        {
            table.AddRange(Type4(handle++, socket, fitted.GetValueOrDefault(socket)));
        }

        table.AddRange(new byte[] { SmbiosStructure.EndOfTable, 4, 0xFF, 0xFE, 0, 0 });

        byte[] image = new byte[0x20 + table.Count];
        Span<byte> entry = image.AsSpan(0, SmbiosTable.EntryPointLength);
        "_SM3_"u8.CopyTo(entry);
        entry[6] = SmbiosTable.EntryPointLength;
        entry[7] = 3;                 // SMBIOS 3.3
        entry[8] = 3;
        entry[9] = 0;                 // docrev
        entry[10] = 1;                // entry point revision: SMBIOS 3.0
        BinaryPrimitives.WriteUInt32LittleEndian(entry[0x0C..], (uint)table.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[0x10..], 0x20);
        entry[5] = ByteChecksum.ZeroSum(entry);
        table.CopyTo(image, 0x20);
        return image;
    }

    private static byte[] Type0()
    {
        byte[] s = new byte[0x1A];
        s[0x00] = BiosInformation.Type;
        s[0x01] = 0x1A;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x02), 0x0000);
        s[0x04] = 1;                                     // Vendor
        s[0x05] = 2;                                     // BIOS Version
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x06), 0xE000);
        s[0x08] = 3;                                     // BIOS Release Date
        s[0x09] = 0xFF;                                  // ROM size: see the extended size
        BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(0x0A), 0x0000_0000_0001_0880);   // PCI, upgradeable, selectable boot
        s[0x12] = 0x03;                                  // ACPI, USB legacy
        s[0x13] = 0x0D;                                  // BIOS boot spec, network boot, UEFI
        s[0x14] = 1;
        s[0x15] = 4;
        s[0x16] = 0xFF;                                  // no embedded controller
        s[0x17] = 0xFF;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x18), 32);                   // 32 MiB
        var bytes = new List<byte>(s);
        foreach (string text in new[] { BiosVendor, BiosVersion, BiosReleaseDate })
        {
            bytes.AddRange(Encoding.ASCII.GetBytes(text));
            bytes.Add(0);
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static byte[] Type4(ushort handle, string socket, SimulatedProcessor? cpu)
    {
        var strings = new List<string> { socket };
        byte Text(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return 0;
            }

            strings.Add(value);
            return (byte)strings.Count;
        }

        byte[] s = new byte[0x30];
        s[0x00] = ProcessorInformation.Type;
        s[0x01] = 0x30;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x02), handle);
        s[0x04] = 1;                                     // Socket Designation
        s[0x05] = ProcessorInformation.CentralProcessor;
        s[0x19] = ServerSocketUpgrade;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x1A), 0xFFFF);   // no cache information
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x1C), 0xFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x1E), 0xFFFF);
        if (cpu is not null)
        {
            s[0x06] = IntelXeonFamily;
            s[0x07] = Text(cpu.Manufacturer);
            uint signature = uint.Parse(cpu.Signature.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x08), signature);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x0C), 0xBFEBFBFF);   // CPUID leaf 1 EDX feature flags
            s[0x10] = Text(cpu.Model);
            s[0x11] = 0x80 | 16;                         // 1.6 V
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x12), 100);          // external clock, MHz
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x14), (ushort)cpu.MaxSpeedMHz);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x16), (ushort)cpu.CurrentSpeedMHz);
            s[0x18] = 0x40 | 0x01;                       // socket populated, CPU enabled
            s[0x20] = Text(cpu.SerialNumber);
            s[0x21] = 0;
            s[0x22] = Text(cpu.PartNumber);
            s[0x23] = (byte)Math.Min(cpu.Cores, 0xFF);
            s[0x24] = (byte)Math.Min(cpu.Cores, 0xFF);
            s[0x25] = (byte)Math.Min(cpu.Threads, 0xFF);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x26), 0x00EC);       // 64-bit, multi-core, HT, execute protection, virtualization
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x28), IntelXeonFamily);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x2A), (ushort)cpu.Cores);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x2C), (ushort)cpu.Cores);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x2E), (ushort)cpu.Threads);
        }
        else
        {
            s[0x06] = 0x02;                              // Unknown
            s[0x18] = 0x00;                              // socket unpopulated, status unknown
        }

        var bytes = new List<byte>(s);
        foreach (string text in strings)
        {
            bytes.AddRange(Encoding.ASCII.GetBytes(text));
            bytes.Add(0);
        }

        bytes.Add(0);
        return [.. bytes];
    }
}
