namespace Appliance.Bmc.Accounts;

/// <summary>
/// What an account may do. The Redfish roles map to IPMI privilege levels: Administrator = 4,
/// Operator = 3, ReadOnly = 2 (IPMI "User"); Callback (1) exists for IPMI only and cannot log in to Redfish.
/// </summary>
public enum AccountRole
{
    Callback = 1,
    ReadOnly = 2,
    Operator = 3,
    Administrator = 4,
}
