using System.Text;

namespace Appliance.Hw.Spd;

/// <summary>
/// Decodes the DDR4 SPD (JEDEC 21-C 4.1.2.L-5, Annex L): base configuration in bytes 0..127,
/// module-specific bytes 128..255 (each block guarded by a CRC-16), and the manufacturing
/// information in bytes 320..383 of the second page.
/// </summary>
public static class Ddr4Spd
{
    public const byte Ddr4DeviceType = 0x0C;

    /// <summary>JEDEC DDR4 speed bins in MT/s; tCKAVGmin is rounded to these as decode-dimms does.</summary>
    public static readonly int[] SpeedGrades = [1600, 1866, 2133, 2400, 2666, 2933, 3200];

    private const int MediumTimebasePs = 125;

    private static class Offset
    {
        public const int DeviceType = 2;
        public const int ModuleType = 3;
        public const int DensityAndBanks = 4;
        public const int PackageType = 6;
        public const int ModuleOrganization = 12;
        public const int BusWidth = 13;
        public const int Timebases = 17;
        public const int TckMin = 18;
        public const int TckMinFine = 125;
        public const int BaseCrc = 126;
        public const int ModuleCrc = 254;
        public const int ManufacturerId = 320;
        public const int SerialNumber = 325;
        public const int PartNumber = 329;
        public const int PartNumberLength = 20;
    }

    /// <summary>Decodes a whole SPD image (at least 384 bytes).</summary>
    /// <exception cref="InvalidDataException">Not a DDR4 SPD, or a CRC does not match.</exception>
    public static Ddr4Module Decode(ReadOnlySpan<byte> spd)
    {
        if (spd.Length < 384)
        {
            throw new InvalidDataException($"a DDR4 SPD has 384 bytes in use; only {spd.Length} were read");
        }

        if (spd[Offset.DeviceType] != Ddr4DeviceType)
        {
            throw new InvalidDataException($"SPD byte 2 (DRAM device type) is 0x{spd[Offset.DeviceType]:X2}, not DDR4 (0x0C)");
        }

        CheckCrc(spd[..Offset.BaseCrc], spd[Offset.BaseCrc..], "base configuration (bytes 0..125)");
        CheckCrc(spd[128..Offset.ModuleCrc], spd[Offset.ModuleCrc..], "module parameters (bytes 128..253)");
        if ((spd[Offset.Timebases] & 0x0F) != 0)
        {
            throw new InvalidDataException($"SPD byte 17 (timebases) is 0x{spd[Offset.Timebases]:X2}; DDR4 defines only MTB 125 ps, FTB 1 ps");
        }

        // Capacity = die density / 8 * primary bus width / device width * logical ranks (Annex L, byte 13).
        double dieGbit = DieDensityGbit(spd[Offset.DensityAndBanks] & 0x0F);
        int deviceWidth = 4 << (spd[Offset.ModuleOrganization] & 0x07);
        int ranks = ((spd[Offset.ModuleOrganization] >> 3) & 0x07) + 1;
        int dataWidth = 8 << (spd[Offset.BusWidth] & 0x07);
        int busWidth = dataWidth + (((spd[Offset.BusWidth] >> 3) & 0x03) == 1 ? 8 : 0);
        int logicalRanks = ranks * LogicalRanksPerPackage(spd[Offset.PackageType]);
        int capacityMiB = (int)(dieGbit * 1024 / 8 * dataWidth / deviceWidth * logicalRanks);

        int tckPs = (spd[Offset.TckMin] * MediumTimebasePs) + (sbyte)spd[Offset.TckMinFine];
        if (tckPs <= 0)
        {
            throw new InvalidDataException($"SPD bytes 18/125 (tCKAVGmin) give {tckPs} ps");
        }

        byte continuation = spd[Offset.ManufacturerId];
        byte code = spd[Offset.ManufacturerId + 1];
        return new Ddr4Module
        {
            ModuleType = ModuleTypeName(spd[Offset.ModuleType] & 0x0F),
            CapacityMiB = capacityMiB,
            SpeedMTs = SpeedGrade(tckPs),
            TckMinPicoseconds = tckPs,
            Ranks = ranks,
            DeviceWidth = deviceWidth,
            DieDensityGbit = dieGbit,
            DataWidthBits = dataWidth,
            BusWidthBits = busWidth,
            ManufacturerId = $"0x{continuation:x2}{code:x2}",
            Manufacturer = Jep106.Name(continuation, code),
            PartNumber = Encoding.ASCII.GetString(spd.Slice(Offset.PartNumber, Offset.PartNumberLength)).TrimEnd(' ', '\0'),
            SerialNumber = Convert.ToHexString(spd.Slice(Offset.SerialNumber, 4)),
        };
    }

    /// <summary>The SPD's CRC-16 (polynomial 0x1021, initial value 0, as in the JEDEC annex).</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        int crc = 0;
        foreach (byte b in data)
        {
            crc ^= b << 8;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }

        return (ushort)crc;
    }

    /// <summary>The JEDEC speed grade nearest to 2 / tCK, or the plain rate when none is within 1 %.</summary>
    public static int SpeedGrade(int tckPs)
    {
        double rate = 2_000_000.0 / tckPs;
        int nearest = SpeedGrades.MinBy(g => Math.Abs(g - rate));
        return Math.Abs(nearest - rate) <= nearest * 0.01 ? nearest : (int)Math.Round(rate);
    }

    private static void CheckCrc(ReadOnlySpan<byte> block, ReadOnlySpan<byte> stored, string what)
    {
        ushort expected = (ushort)(stored[0] | (stored[1] << 8));
        ushort actual = Crc16(block);
        if (actual != expected)
        {
            throw new InvalidDataException($"SPD CRC of the {what} is 0x{actual:X4} but the SPD stores 0x{expected:X4}");
        }
    }

    private static double DieDensityGbit(int code) => code switch
    {
        0 => 0.25,
        1 => 0.5,
        2 => 1,
        3 => 2,
        4 => 4,
        5 => 8,
        6 => 16,
        7 => 32,
        8 => 12,
        9 => 24,
        _ => throw new InvalidDataException($"SPD byte 4 names SDRAM density code {code}, which DDR4 does not define"),
    };

    // 3DS stacks (signal loading 2) present several logical ranks per package rank.
    private static int LogicalRanksPerPackage(byte packageType) =>
        (packageType & 0x03) == 2 ? ((packageType >> 4) & 0x07) + 1 : 1;

    private static string ModuleTypeName(int code) => code switch
    {
        1 => "RDIMM",
        2 => "UDIMM",
        3 => "SO-DIMM",
        4 => "LRDIMM",
        5 => "Mini-RDIMM",
        6 => "Mini-UDIMM",
        8 => "72b-SO-RDIMM",
        9 => "72b-SO-UDIMM",
        12 => "16b-SO-DIMM",
        13 => "32b-SO-DIMM",
        _ => $"module type {code}",
    };
}
