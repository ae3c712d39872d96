using System.Net;

namespace Appliance.Ipmi;

/// <summary>
/// The account store the session layer authenticates against (implemented by the BMC, shared with
/// Redfish). Calls come from the server's receive loop, so they should not block for long.
/// </summary>
public interface IIpmiUserDirectory
{
    /// <summary>Finds a user by exact name for the given channel, or null when there is none.</summary>
    IpmiUser? FindUser(string name, byte channelNumber);

    /// <summary>
    /// True when the named account is locked out and the lockout holds <paramref name="source"/> back:
    /// the attempt is then refused unseen (it looks like a wrong password and is not counted again).
    /// </summary>
    bool IsLockedOut(string name, IPAddress source);

    /// <summary>
    /// Records a failed authentication for <paramref name="name"/> from <paramref name="source"/>.
    /// Called for unknown names too, so the store can treat them like real ones.
    /// </summary>
    void RecordAuthenticationFailure(string name, IPAddress source);

    /// <summary>Records a successful authentication from <paramref name="source"/> (typically resets the failure count).</summary>
    void RecordAuthenticationSuccess(string name, IPAddress source);
}
