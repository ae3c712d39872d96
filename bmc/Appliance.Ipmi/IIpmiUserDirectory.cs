namespace Appliance.Ipmi;

/// <summary>
/// The account store the session layer authenticates against (implemented by the BMC, shared with
/// Redfish). Calls come from the server's receive loop, so they should not block for long.
/// </summary>
public interface IIpmiUserDirectory
{
    /// <summary>Finds a user by exact name for the given channel, or null when there is none.</summary>
    IpmiUser? FindUser(string name, byte channelNumber);

    /// <summary>True while the named account is locked out after repeated failures.</summary>
    bool IsLockedOut(string name);

    /// <summary>
    /// Records a failed authentication for <paramref name="name"/>. Called for unknown names too,
    /// so the store can treat them like real ones.
    /// </summary>
    void RecordAuthenticationFailure(string name);

    /// <summary>Records a successful authentication (typically resets the failure count).</summary>
    void RecordAuthenticationSuccess(string name);
}
