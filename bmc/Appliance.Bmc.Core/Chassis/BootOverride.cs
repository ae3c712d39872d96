namespace Appliance.Bmc.Chassis;

/// <summary>
/// The next-boot device override, in Redfish terms (BootSourceOverrideTarget/Enabled/Mode);
/// IPMI's boot flags parameter (5) carries the same three things.
/// </summary>
public sealed record BootOverride(BootSource Target, BootOverrideEnabled Enabled, BootMode Mode)
{
    public static BootOverride None { get; } = new(BootSource.None, BootOverrideEnabled.Disabled, BootMode.Uefi);

    /// <summary>
    /// IPMI's persistent bit while the override is Disabled: boot flags whose valid bit was cleared
    /// keep it, and read back with it (Continuous always has it, Once never).
    /// </summary>
    public bool PersistentWhileDisabled { get; init; }

    /// <summary>The IPMI persistent bit: the flags apply to all future boots rather than the next one.</summary>
    public bool Persistent => Enabled == BootOverrideEnabled.Continuous || (Enabled == BootOverrideEnabled.Disabled && PersistentWhileDisabled);
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

    /// <summary>The UEFI device path in UefiTargetBootSourceOverride (Redfish only; IPMI has no selector for it).</summary>
    UefiTarget,
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
