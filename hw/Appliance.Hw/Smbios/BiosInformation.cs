namespace Appliance.Hw.Smbios;

/// <summary>SMBIOS BIOS Information (Type 0, DSP0134 section 7.1): who made the firmware and which version runs.</summary>
public sealed record BiosInformation(string Vendor, string Version, string ReleaseDate)
{
    public const byte Type = 0;

    public static BiosInformation Decode(SmbiosStructure s) => new(s.String(0x04), s.String(0x05), s.String(0x08));
}
