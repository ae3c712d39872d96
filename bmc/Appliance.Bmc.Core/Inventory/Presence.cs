namespace Appliance.Bmc.Inventory;

/// <summary>What the BMC knows about a socket or slot.</summary>
public enum Presence
{
    /// <summary>Nothing reliable yet: no SMBIOS hand-off seen, or the SPD answered but could not be read or decoded.</summary>
    Unknown,
    Absent,
    Present,
}
