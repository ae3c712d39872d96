using Appliance.Ipmi;
using Appliance.Ipmi.Server;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The LAN channel's sessions: one table for the BMC, whatever endpoints answer for it
/// (appliance-bmc --ipmi, given more than once), with handles unique across them and the one
/// Serial-over-LAN instance. What the system interface's Get Session Info and Close Session, and
/// Get Channel Info, see of them.
/// </summary>
public sealed class LanSessions
{
    private volatile BmcSessions? _sessions;

    /// <summary>How many sessions the channel can hold at once (0 with LAN off).</summary>
    public int MaxSessions => _sessions?.MaxSessions ?? 0;

    /// <summary>Every active session, on every endpoint.</summary>
    public IReadOnlyList<IpmiSessionInfo> Active => _sessions?.Active ?? [];

    /// <summary>Closes an active session on whichever endpoint holds it; false when none does.</summary>
    public bool Close(uint sessionId) => _sessions?.Close(sessionId) ?? false;

    internal void Set(BmcSessions? sessions) => _sessions = sessions;
}
