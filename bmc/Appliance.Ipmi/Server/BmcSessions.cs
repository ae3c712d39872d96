using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Server;

/// <summary>
/// What a BMC has once however many LAN endpoints answer for it: its sessions (IPMI v2.0 section
/// 22.20: session handles, the number of possible and of active sessions are the BMC's) and its
/// payload instances (section 24: the one Serial-over-LAN instance). Every <see cref="IpmiServer"/>
/// of one BMC is given the same instance (<see cref="IpmiServerOptions.Sessions"/>); a session
/// stays on the endpoint it was opened on, whose packets alone it accepts.
/// </summary>
public sealed class BmcSessions
{
    /// <param name="maxSessions">Sessions the BMC can hold at once, half-open ones included (15..63).</param>
    public BmcSessions(int maxSessions = 16)
    {
        if (maxSessions is < 15 or > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSessions), maxSessions, "MaxSessions must be 15..63");
        }

        Table = new SessionTable(maxSessions);
    }

    /// <summary>How many sessions the BMC can hold at once.</summary>
    public int MaxSessions => Table.MaxSessions;

    /// <summary>Sessions in the table, half-open ones included, on every endpoint.</summary>
    public int Count => Table.Count;

    /// <summary>A snapshot of the active (authenticated) sessions on every endpoint.</summary>
    public IReadOnlyList<IpmiSessionInfo> Active
    {
        get
        {
            var list = Table.ActiveSnapshot();
            var result = new IpmiSessionInfo[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                var s = list[i];
                var c = s.Context!;
                result[i] = new IpmiSessionInfo(s.ManagedSessionId, s.Handle, c.UserId, c.UserName, c.Privilege, c.ChannelNumber, s.RemoteEndPoint, s.Suite.Id);
            }

            return result;
        }
    }

    /// <summary>The session holding the Serial-over-LAN instance, whichever endpoint it is on; null when none does.</summary>
    public uint? SerialOverLanSessionId
    {
        get
        {
            lock (SolLock)
            {
                return Sol?.Owner.ManagedSessionId;
            }
        }
    }

    internal SessionTable Table { get; }

    internal Lock SolLock { get; } = new();

    /// <summary>The SOL instance and the session holding it; read and written under <see cref="SolLock"/>.</summary>
    internal SolSession? Sol { get; set; }

    /// <summary>Closes an active session on whichever endpoint holds it; false when there is no such session.</summary>
    public bool Close(uint sessionId) => Table.Find(sessionId) is { State: SessionState.Active } s && s.Server.CloseSession(sessionId);
}
