using System.Text;
using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Appliance.Hw.Spd;

namespace Appliance.Hw.Sim.Inventory;

/// <summary>
/// Programs a DDR4 RDIMM's SPD the way a module maker does (JEDEC 21-C 4.1.2.L-5): key bytes,
/// organisation, tCKAVGmin in medium and fine timebase, both CRCs, and the manufacturing block.
/// </summary>
public static class Ddr4SpdImage
{
    public static byte[] Encode(SimulatedDimm dimm)
    {
        byte[] spd = new byte[Ee1004.Size];
        int dieGbit = dimm.CapacityGiB * 8 * dimm.DeviceWidth / (64 * dimm.Ranks);
        int widthCode = dimm.DeviceWidth switch { 4 => 0, 8 => 1, _ => 2 };

        spd[0] = 0x23;                 // 384 bytes used of 512
        spd[1] = 0x11;                 // SPD revision 1.1
        spd[2] = Ddr4Spd.Ddr4DeviceType;
        spd[3] = 0x01;                 // RDIMM
        int bankGroupBits = dimm.DeviceWidth == 16 ? 1 : 2;
        spd[4] = (byte)((bankGroupBits << 6) | DensityCode(dieGbit));   // 4 banks per group
        int rowBits = (int)Math.Log2(dieGbit * (1L << 30)) - 2 - bankGroupBits - 10 - (int)Math.Log2(dimm.DeviceWidth);
        spd[5] = (byte)(((rowBits - 12) << 3) | 1);                     // 10 column bits
        spd[6] = 0x00;                 // monolithic, single die
        spd[11] = 0x03;                // 1.2 V operable and endurant
        spd[12] = (byte)(((dimm.Ranks - 1) << 3) | widthCode);
        spd[13] = 0x0B;                // 64-bit primary bus with an 8-bit ECC extension
        spd[17] = 0x00;                // MTB 125 ps, FTB 1 ps

        // tCKAVGmin = MTB count rounded up, less a (negative) fine correction.
        int tckPs = (int)Math.Round(2_000_000.0 / dimm.SpeedMTs);
        int mtb = (tckPs + 124) / 125;
        spd[18] = (byte)mtb;
        spd[125] = unchecked((byte)(sbyte)(tckPs - (mtb * 125)));
        PutCrc(spd, 0, 126);
        spd[128] = 0x11;               // raw card height and thickness, plausible for a 31.25 mm RDIMM
        PutCrc(spd, 128, 254);

        spd[320] = Convert.ToByte(dimm.ManufacturerId[2..4], 16);
        spd[321] = Convert.ToByte(dimm.ManufacturerId[4..6], 16);
        spd[322] = 0x01;
        spd[323] = 0x21;               // manufactured 2021 (BCD year) ...
        spd[324] = 0x15;               // ... week 15
        Convert.FromHexString(dimm.SerialNumber).CopyTo(spd, 325);
        Encoding.ASCII.GetBytes(dimm.PartNumber.PadRight(20)).CopyTo(spd, 329);
        spd[350] = spd[320];           // DRAM maker: the module maker's own dies
        spd[351] = spd[321];
        return spd;
    }

    private static int DensityCode(int gbit) => gbit switch { 2 => 3, 4 => 4, 8 => 5, _ => 6 };

    private static void PutCrc(byte[] spd, int from, int at)
    {
        ushort crc = Ddr4Spd.Crc16(spd.AsSpan(from, at - from));
        spd[at] = (byte)crc;
        spd[at + 1] = (byte)(crc >> 8);
    }
}
