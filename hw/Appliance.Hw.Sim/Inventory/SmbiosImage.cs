using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Appliance.Hw.Boards;
using Appliance.Hw.Smbios;
using Appliance.Hw.Spd;

namespace Appliance.Hw.Sim.Inventory;

/// <summary>
/// The SMBIOS 3.3 table the simulated BIOS builds at the end of POST, for the BMC's mailbox and for
/// the host's operating system: the 64-bit entry point at offset 0 and, after it, the BIOS
/// Information (Type 0), one Processor Information (Type 4) structure per socket, one Physical
/// Memory Array (Type 16) per socket that drives DIMM slots with a Memory Device (Type 17) per slot
/// (unpopulated sockets and empty slots included, as DSP0134 asks), and the End-of-Table structure.
/// The memory devices say what the DIMMs' SPDs say: the same size, speed, maker, part and serial number.
/// </summary>
public static class SmbiosImage
{
    /// <summary>Where the structure table starts in the image, as <c>dmidecode --dump-bin</c> lays it out.</summary>
    public const int TableOffset = 0x20;

    /// <summary>What the simulated firmware calls itself in its BIOS Information.</summary>
    public const string BiosVendor = "Appliance";
    public const string BiosVersion = "HC1.1.4.0";
    public const string BiosReleaseDate = "10/15/2026";

    private const byte IntelXeonFamily = 0xB3;
    private const byte ServerSocketUpgrade = 0x01;   // "Other": the LGA4189 value is newer than many decoders
    private const byte PhysicalMemoryArrayType = 16;
    private const byte MemoryDeviceType = 17;
    private const long MaximumDimmBytes = 64L << 30;   // the largest RDIMM a slot of this platform takes

    public static byte[] Encode(BoardDescription board)
    {
        var table = new List<byte>();
        table.AddRange(Type0());
        if (board.Processors is ProcessorsDescription sockets)
        {
            ushort handle = 0x0400;
            foreach (string socket in sockets.Sockets)
            {
                table.AddRange(Type4(handle++, socket, board.Simulation.Processors.GetValueOrDefault(socket)));
            }

            if (board.Memory is MemoryDescription memory)
            {
                ushort arrayHandle = 0x1000;
                ushort deviceHandle = 0x1100;
                for (int socket = 0; socket < sockets.Sockets.Count; socket++)
                {
                    MemorySlotDescription[] slots = [.. memory.Slots.Where(s => s.Socket == socket)];
                    if (slots.Length == 0)
                    {
                        continue;
                    }

                    table.AddRange(Type16(arrayHandle, slots.Length, MaximumDimmBytes * slots.Length));
                    foreach (MemorySlotDescription slot in slots)
                    {
                        table.AddRange(Type17(deviceHandle++, arrayHandle, slot, sockets.Sockets[socket], board.Simulation.Memory.GetValueOrDefault(slot.Locator)));
                    }

                    arrayHandle++;
                }
            }
        }

        table.AddRange(new byte[] { SmbiosStructure.EndOfTable, 4, 0xFF, 0xFE, 0, 0 });

        byte[] image = new byte[TableOffset + table.Count];
        Span<byte> entry = image.AsSpan(0, SmbiosTable.EntryPointLength);
        "_SM3_"u8.CopyTo(entry);
        entry[6] = SmbiosTable.EntryPointLength;
        entry[7] = 3;                 // SMBIOS 3.3
        entry[8] = 3;
        entry[9] = 0;                 // docrev
        entry[10] = 1;                // entry point revision: SMBIOS 3.0
        BinaryPrimitives.WriteUInt32LittleEndian(entry[0x0C..], (uint)table.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[0x10..], TableOffset);
        entry[5] = ByteChecksum.ZeroSum(entry);
        table.CopyTo(image, TableOffset);
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
        var strings = new Strings(socket);
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
            s[0x07] = strings.Add(cpu.Manufacturer);
            uint signature = uint.Parse(cpu.Signature.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x08), signature);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x0C), 0xBFEBFBFF);   // CPUID leaf 1 EDX feature flags
            s[0x10] = strings.Add(cpu.Model);
            s[0x11] = 0x80 | 16;                         // 1.6 V
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x12), 100);          // external clock, MHz
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x14), (ushort)cpu.MaxSpeedMHz);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x16), (ushort)cpu.CurrentSpeedMHz);
            s[0x18] = 0x40 | 0x01;                       // socket populated, CPU enabled
            s[0x20] = strings.Add(cpu.SerialNumber);
            s[0x21] = 0;
            s[0x22] = strings.Add(cpu.PartNumber);
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

        return strings.After(s);
    }

    /// <summary>Physical Memory Array (DSP0134 7.17): the DIMM slots one socket's controllers drive.</summary>
    private static byte[] Type16(ushort handle, int slots, long maximumBytes)
    {
        byte[] s = new byte[0x17];
        s[0x00] = PhysicalMemoryArrayType;
        s[0x01] = 0x17;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x02), handle);
        s[0x04] = 0x03;                                  // location: system board
        s[0x05] = 0x03;                                  // use: system memory
        s[0x06] = 0x06;                                  // error correction: multi-bit ECC
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x07), 0x80000000);    // see Extended Maximum Capacity
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0B), 0xFFFE);        // no error information
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0D), (ushort)slots);
        BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(0x0F), (ulong)maximumBytes);
        return new Strings().After(s);
    }

    /// <summary>Memory Device (DSP0134 7.18) for one slot: an empty slot has size 0.</summary>
    private static byte[] Type17(ushort handle, ushort array, MemorySlotDescription slot, string socket, SimulatedDimm? dimm)
    {
        var strings = new Strings(slot.Locator, $"{socket}_MC{slot.Controller}_CH{slot.Channel}_DIMM{slot.Slot}");
        byte[] s = new byte[0x5C];
        s[0x00] = MemoryDeviceType;
        s[0x01] = 0x5C;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x02), handle);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x04), array);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x06), 0xFFFE);        // no error information
        s[0x0E] = 0x09;                                  // form factor: DIMM
        s[0x10] = 1;                                     // Device Locator
        s[0x11] = 2;                                     // Bank Locator
        if (dimm is null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x08), 0xFFFF);    // widths unknown
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0A), 0xFFFF);
            s[0x12] = 0x02;                              // memory type: unknown
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x13), 0x0004);    // type detail: unknown
            s[0x28] = 0x02;                              // memory technology: unknown
            return strings.After(s);
        }

        byte continuation = Convert.ToByte(dimm.ManufacturerId[2..4], 16);
        byte code = Convert.ToByte(dimm.ManufacturerId[4..6], 16);
        long megabytes = (long)dimm.CapacityGiB * 1024;
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x08), 72);            // 64 data bits and 8 ECC bits
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0A), 64);
        if (megabytes < 0x7FFF)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0C), (ushort)megabytes);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x0C), 0x7FFF);    // see Extended Size
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(0x1C), (uint)megabytes);
        }

        s[0x12] = 0x1A;                                  // DDR4
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x13), 0x2080);        // synchronous, registered (buffered)
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x15), (ushort)dimm.SpeedMTs);
        s[0x17] = strings.Add(Jep106.Name(continuation, code));
        s[0x18] = strings.Add(dimm.SerialNumber);
        s[0x1A] = strings.Add(dimm.PartNumber);
        s[0x1B] = (byte)(dimm.Ranks & 0x0F);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x20), (ushort)dimm.SpeedMTs);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x22), 1200);          // 1.2 V minimum, maximum and configured
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x24), 1200);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x26), 1200);
        s[0x28] = 0x03;                                  // memory technology: DRAM
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x29), 0x0008);        // operating mode: volatile memory
        s[0x2C] = continuation;                          // Module Manufacturer ID: the SPD's two bytes, LSB first
        s[0x2D] = code;
        BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(0x3C), (ulong)dimm.CapacityGiB << 30);   // volatile size, bytes
        return strings.After(s);
    }

    /// <summary>A structure's string set, numbered from 1 in the order added.</summary>
    private sealed class Strings(params string[] initial)
    {
        private readonly List<string> _texts = [.. initial];

        public byte Add(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return 0;
            }

            _texts.Add(value);
            return (byte)_texts.Count;
        }

        /// <summary>The formatted area followed by the strings and the double NUL that ends the structure.</summary>
        public byte[] After(byte[] formatted)
        {
            var bytes = new List<byte>(formatted);
            foreach (string text in _texts)
            {
                bytes.AddRange(Encoding.ASCII.GetBytes(text));
                bytes.Add(0);
            }

            if (_texts.Count == 0)
            {
                bytes.Add(0);
            }

            bytes.Add(0);
            return [.. bytes];
        }
    }
}
