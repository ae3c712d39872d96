namespace Appliance.Bmc.Accounts;

/// <summary>A BMC user account, shared by IPMI and Redfish. IDs 2..15 (IPMI user IDs; 1 is IPMI's null user, never used).</summary>
public sealed record Account(
    int Id,
    string UserName,
    AccountRole Role,
    bool Enabled,
    bool IpmiEnabled,
    bool PasswordChangeRequired,
    DateTimeOffset? LockedUntil)
{
    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is DateTimeOffset until && until > now;
}
