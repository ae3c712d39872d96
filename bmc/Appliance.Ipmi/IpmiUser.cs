namespace Appliance.Ipmi;

/// <summary>
/// An IPMI user as the session layer needs it. <see cref="Key"/> is the reversible IPMI secret
/// (the password, at most 20 bytes; K_uid in the spec).
/// </summary>
/// <param name="UserId">User ID, 1..63 (the BMC uses 1..15).</param>
/// <param name="Name">User name, 1..16 ASCII characters.</param>
/// <param name="Key">The user's IPMI key (password bytes), at most 20 bytes.</param>
/// <param name="MaxPrivilege">Privilege limit of this user on the channel that was asked about.</param>
/// <param name="Enabled">False for a disabled account: it cannot authenticate.</param>
/// <param name="IpmiMessagingAllowed">False when the account may not use IPMI messaging on this channel.</param>
public sealed record IpmiUser(
    byte UserId,
    string Name,
    ReadOnlyMemory<byte> Key,
    PrivilegeLevel MaxPrivilege,
    bool Enabled,
    bool IpmiMessagingAllowed);
