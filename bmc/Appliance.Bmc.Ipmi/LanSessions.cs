using Appliance.Ipmi;
using Appliance.Ipmi.Server;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The LAN channel's sessions over all its endpoints (appliance-bmc --ipmi, given more than once):
/// each endpoint's server keeps its own sessions, with handles of its own. What the system
/// interface's Get Session Info and Close Session, and Get Channel Info, see of them.
/// </summary>
public sealed class LanSessions
{
    private volatile IpmiServer[] _servers = [];

    /// <summary>The servers answering on the channel's endpoints, in the order given.</summary>
    public IReadOnlyList<IpmiServer> Servers => _servers;

    /// <summary>How many sessions the channel can hold at once.</summary>
    public int MaxSessions { get; private set; }

    /// <summary>Every active session, endpoint by endpoint.</summary>
    public IReadOnlyList<IpmiSessionInfo> Active => _servers.Length == 1 ? _servers[0].ActiveSessions : [.. _servers.SelectMany(s => s.ActiveSessions)];

    /// <summary>Closes an active session on whichever endpoint holds it; false when none does.</summary>
    public bool Close(uint sessionId) => _servers.Any(s => s.CloseSession(sessionId));

    internal void Set(IReadOnlyList<IpmiServer> servers, int maxSessionsEach)
    {
        _servers = [.. servers];
        MaxSessions = servers.Count * maxSessionsEach;
    }
}
