using System.Buffers.Binary;

namespace Appliance.Hw.Smbios;

/// <summary>SMBIOS Processor Information (Type 4, DSP0134 7.5) as the BIOS reported one socket.</summary>
public sealed record ProcessorInformation
{
    public const byte Type = 4;

    /// <summary>Processor Type 03h.</summary>
    public const byte CentralProcessor = 0x03;

    public required string SocketDesignation { get; init; }
    public required byte ProcessorType { get; init; }

    /// <summary>Processor Family 2 when Processor Family says 0xFE, else Processor Family (0xB3 = Intel Xeon).</summary>
    public required int Family { get; init; }
    public required string Manufacturer { get; init; }

    /// <summary>Processor ID: CPUID leaf 1 EAX (signature) for x86.</summary>
    public required uint Signature { get; init; }

    /// <summary>Processor Version: the brand string.</summary>
    public required string Version { get; init; }
    public required int MaxSpeedMHz { get; init; }
    public required int CurrentSpeedMHz { get; init; }

    /// <summary>Status bit 6: a processor is in the socket.</summary>
    public required bool Populated { get; init; }

    /// <summary>Status bits 2:0: 1 enabled, 2 disabled by the user, 3 disabled by the BIOS (POST error), 4 idle.</summary>
    public required int CpuStatus { get; init; }
    public required string SerialNumber { get; init; }
    public required string PartNumber { get; init; }
    public required int CoreCount { get; init; }
    public required int CoresEnabled { get; init; }
    public required int ThreadCount { get; init; }

    /// <summary>Processor Characteristics bit 2.</summary>
    public required bool Is64BitCapable { get; init; }

    /// <summary>Whether the family is one of DSP0134's x86 ranges (Intel Core and Xeon, AMD Opteron and Athlon).</summary>
    public bool IsX86 => Family is (>= 0x0B and <= 0x1F) or (>= 0x28 and <= 0x2F) or (>= 0x38 and <= 0x3F) or (>= 0x83 and <= 0x8F)
        or (>= 0xA1 and <= 0xCF);

    /// <summary>CPUID family with the extended family added, as Intel's SDM computes the displayed family.</summary>
    public int EffectiveFamily
    {
        get
        {
            int family = (int)((Signature >> 8) & 0x0F);
            return family == 0x0F ? family + (int)((Signature >> 20) & 0xFF) : family;
        }
    }

    public int EffectiveModel
    {
        get
        {
            int family = (int)((Signature >> 8) & 0x0F);
            int model = (int)((Signature >> 4) & 0x0F);
            return family is 0x06 or 0x0F ? model | (int)(((Signature >> 16) & 0x0F) << 4) : model;
        }
    }

    public int Stepping => (int)(Signature & 0x0F);

    public static ProcessorInformation Decode(SmbiosStructure s)
    {
        if (s.Type != Type)
        {
            throw new ArgumentException($"SMBIOS structure type {s.Type} is not Processor Information", nameof(s));
        }

        int family = s.Byte(0x06) == 0xFE ? s.Word(0x28) : s.Byte(0x06);

        // From SMBIOS 3.0 a count of 0xFF means "see the 16-bit count".
        int cores = s.Byte(0x23) == 0xFF ? s.Word(0x2A) : s.Byte(0x23);
        int enabled = s.Byte(0x24) == 0xFF ? s.Word(0x2C) : s.Byte(0x24);
        int threads = s.Byte(0x25) == 0xFF ? s.Word(0x2E) : s.Byte(0x25);
        return new ProcessorInformation
        {
            SocketDesignation = s.String(0x04),
            ProcessorType = s.Byte(0x05),
            Family = family,
            Manufacturer = s.String(0x07),
            Signature = s.Formatted.Length >= 0x0C ? BinaryPrimitives.ReadUInt32LittleEndian(s.Formatted.AsSpan(0x08)) : 0,
            Version = s.String(0x10),
            MaxSpeedMHz = s.Word(0x14),
            CurrentSpeedMHz = s.Word(0x16),
            Populated = (s.Byte(0x18) & 0x40) != 0,
            CpuStatus = s.Byte(0x18) & 0x07,
            SerialNumber = s.String(0x20),
            PartNumber = s.String(0x22),
            CoreCount = cores,
            CoresEnabled = enabled,
            ThreadCount = threads,
            Is64BitCapable = (s.Word(0x26) & 0x0004) != 0,
        };
    }
}
