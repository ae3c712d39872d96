using System.Net;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The system interface as an IPMI channel (IPMI v2.0 section 6.3): channel Fh, session-less, the
/// host's KCS. Its requests carry no user and no password; the specification gives them the
/// system interface's privilege, which is no less than any LAN session's.
/// </summary>
public static class SystemInterfaceChannel
{
    /// <summary>The channel number reserved for the system interface.</summary>
    public const byte Number = 0x0F;

    /// <summary>The call context every system interface request runs with: no session, Administrator privilege.</summary>
    public static IpmiCallContext Context { get; } = new(0, 0, "", PrivilegeLevel.Administrator, PrivilegeLevel.Administrator, Number, new IPEndPoint(IPAddress.None, 0));

    /// <summary>True when the request arrived through the system interface.</summary>
    public static bool IsOrigin(IpmiCallContext context) => context.ChannelNumber == Number;
}
