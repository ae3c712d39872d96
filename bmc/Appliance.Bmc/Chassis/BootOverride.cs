namespace Appliance.Bmc.Chassis;

/// <summary>
/// The next-boot device override, in Redfish terms (BootSourceOverrideTarget/Enabled/Mode);
/// IPMI's boot flags parameter (5) carries the same three things.
/// </summary>
public sealed record BootOverride(BootSource Target, BootOverrideEnabled Enabled, BootMode Mode)
{
    public static BootOverride None { get; } = new(BootSource.None, BootOverrideEnabled.Disabled, BootMode.Uefi);
}

public enum BootSource
{
    None,
    Pxe,
    Hdd,
    Cd,
    BiosSetup,
    Diags,
    Floppy,
}

public enum BootOverrideEnabled
{
    Disabled,
    Once,
    Continuous,
}

public enum BootMode
{
    Legacy,
    Uefi,
}
