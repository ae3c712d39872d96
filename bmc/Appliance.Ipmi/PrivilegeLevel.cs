namespace Appliance.Ipmi;

/// <summary>IPMI privilege levels, in the spec's encoding.</summary>
public enum PrivilegeLevel : byte
{
    /// <summary>Callback level: only what a callback connection needs.</summary>
    Callback = 1,
    /// <summary>User level: read-only ("benign") commands.</summary>
    User = 2,
    /// <summary>Operator level: everything but configuration that changes the BMC's behaviour.</summary>
    Operator = 3,
    /// <summary>Administrator level: all commands.</summary>
    Administrator = 4,
    /// <summary>OEM proprietary level.</summary>
    Oem = 5,
}
