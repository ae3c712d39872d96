using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// System boot options parameter 5, "boot flags" (IPMI v2.0 table 28-14), as the stored boot
/// override: valid, persistent, EFI and the boot device selector. The other flags (CMOS clear,
/// keyboard and button lockouts, verbosity, console redirection, mux overrides) have no
/// counterpart in the host firmware here; requests that set them are refused.
/// </summary>
public static class BootFlags
{
    public const int Length = 5;

    private const byte Valid = 0x80;
    private const byte Persistent = 0x40;
    private const byte Efi = 0x20;
    private const byte DeviceMask = 0x3C;

    public static byte[] Encode(BootOverride current)
    {
        byte[] data = new byte[Length];
        bool valid = current.Enabled != BootOverrideEnabled.Disabled;
        data[0] = (byte)((valid ? Valid : 0) | (current.Persistent ? Persistent : 0)
            | (current.Mode == BootMode.Uefi ? Efi : 0));
        data[1] = (byte)(Selector(current.Target) << 2);
        return data;
    }

    /// <summary>Decodes a request's parameter data; false (nothing to apply) for flags that cannot be honoured.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out BootOverride value)
    {
        value = BootOverride.None;
        if (data.Length != Length || (data[0] & 0x1F) != 0 || (data[1] & ~DeviceMask) != 0 || data[2] != 0 || data[3] != 0 || data[4] != 0)
        {
            return false;
        }

        BootSource? target = ((data[1] & DeviceMask) >> 2) switch
        {
            0x0 => BootSource.None,
            0x1 => BootSource.Pxe,
            0x2 or 0x3 => BootSource.Hdd, // 3: default hard drive, safe mode requested
            0x4 => BootSource.Diags,
            0x5 or 0x8 => BootSource.Cd, // 8: remotely connected CD/DVD
            0x6 => BootSource.BiosSetup,
            0x7 or 0xF => BootSource.Floppy, // 7: remote floppy/primary removable media
            _ => null,
        };
        if (target is null)
        {
            return false;
        }

        // Flags written without the valid bit are stored as they are (device, persistence, EFI) but not in force.
        bool valid = (data[0] & Valid) != 0 && target != BootSource.None;
        bool persistent = (data[0] & Persistent) != 0;
        BootOverrideEnabled enabled = !valid ? BootOverrideEnabled.Disabled
            : persistent ? BootOverrideEnabled.Continuous
            : BootOverrideEnabled.Once;
        value = new BootOverride(target.Value, enabled, (data[0] & Efi) != 0 ? BootMode.Uefi : BootMode.Legacy)
        {
            PersistentWhileDisabled = !valid && persistent,
        };
        return true;
    }

    private static byte Selector(BootSource target) => target switch
    {
        BootSource.Pxe => 0x1,
        BootSource.Hdd => 0x2,
        BootSource.Diags => 0x4,
        BootSource.Cd => 0x5,
        BootSource.BiosSetup => 0x6,
        BootSource.Floppy => 0xF,
        _ => 0x0,
    };
}
