using System.Net;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Server;

namespace Appliance.Ipmi.Session;

/// <summary>
/// The bounded set of sessions, half-open ones included. All members are thread-safe: the receive
/// loop, the expiry timer and command handlers use it concurrently.
/// </summary>
internal sealed class SessionTable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<uint, ServerSession> _byId = [];
    private readonly ServerSession?[] _byHandle; // index = handle - 1

    public SessionTable(int maxSessions)
    {
        MaxSessions = maxSessions;
        _byHandle = new ServerSession?[maxSessions];
    }

    public int MaxSessions { get; }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _byId.Count;
            }
        }
    }

    public int ActiveCount
    {
        get
        {
            lock (_sync)
            {
                int n = 0;
                foreach (var s in _byHandle)
                {
                    if (s is { State: SessionState.Active })
                    {
                        n++;
                    }
                }

                return n;
            }
        }
    }

    /// <summary>
    /// Adds a session made by <paramref name="create"/> with a fresh random ID and a free handle.
    /// When full, the oldest half-open session gives way (returned in <paramref name="evicted"/>) so
    /// that a flood of unfinished handshakes cannot lock real users out; with no half-open session, null.
    /// </summary>
    public ServerSession? TryAdd(Func<uint, byte, ServerSession> create, out ServerSession? evicted)
    {
        evicted = null;
        lock (_sync)
        {
            int free = Array.IndexOf(_byHandle, null);
            if (free < 0)
            {
                ServerSession? oldest = null;
                foreach (var s in _byHandle)
                {
                    if (s!.State != SessionState.Active && (oldest is null || s.CreatedAt < oldest.CreatedAt))
                    {
                        oldest = s;
                    }
                }

                if (oldest is null)
                {
                    return null;
                }

                RemoveLocked(oldest);
                evicted = oldest;
                free = oldest.Handle - 1;
            }

            // Random IDs make a stray or forged packet unlikely to name a live session.
            Span<byte> random = stackalloc byte[4];
            uint id;
            do
            {
                RandomPool.Fill(random);
                id = BitConverter.ToUInt32(random);
            }
            while (id == 0 || _byId.ContainsKey(id));

            var session = create(id, (byte)(free + 1));
            _byId.Add(id, session);
            _byHandle[free] = session;
            return session;
        }
    }

    /// <summary>
    /// The half-open session an Open Session Request from <paramref name="from"/> already made, when
    /// this request is its retransmission (same console session ID, algorithms and privilege, no RAKP
    /// yet); null otherwise.
    /// </summary>
    public ServerSession? FindOpenedBy(IpmiServer server, SocketAddress from, uint remoteSessionId, CipherSuite suite, PrivilegeLevel maxPrivilege)
    {
        lock (_sync)
        {
            foreach (var s in _byHandle)
            {
                if (s is { State: SessionState.OpenSessionResponded } && s.Server == server && s.RemoteSessionId == remoteSessionId && s.Suite == suite
                    && s.OpenSessionMaxPrivilege == maxPrivilege && s.RemoteAddress.Equals(from))
                {
                    return s;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Makes a session that has just proven its user active at <paramref name="privilege"/> when it
    /// may be: sessions below Administrator may not take the slots reserved for administrators, nor
    /// exceed their user's limit; and the session must still be in the table (a half-open one gives
    /// way to a newer request when the table is full). Checked and done under the table's lock, so
    /// that two logins taken by different receive loops cannot both take the last room.
    /// </summary>
    public RmcpPlusStatus TryActivate(ServerSession candidate, PrivilegeLevel privilege, int perUserLimit, int reservedForAdministrators,
        SessionCrypto crypto, byte[] rakp3AuthCode, byte channel, IIpmiSessionHost host)
    {
        lock (_sync)
        {
            if (!_byId.TryGetValue(candidate.ManagedSessionId, out var present) || present != candidate)
            {
                return RmcpPlusStatus.InvalidSessionId;
            }

            if (privilege < PrivilegeLevel.Administrator)
            {
                byte userId = candidate.User!.UserId;
                int active = 0;
                int sameUser = 0;
                foreach (var s in _byHandle)
                {
                    if (s is { State: SessionState.Active, Context: { } c } && s != candidate)
                    {
                        active++;
                        if (c.UserId == userId && c.MaxPrivilege < PrivilegeLevel.Administrator)
                        {
                            sameUser++;
                        }
                    }
                }

                if (active >= MaxSessions - reservedForAdministrators || sameUser >= perUserLimit)
                {
                    return RmcpPlusStatus.InsufficientResourcesToCreateSession;
                }
            }

            candidate.Activate(crypto, rakp3AuthCode, privilege, channel, host);
            return RmcpPlusStatus.NoErrors;
        }
    }

    /// <summary>
    /// When every handle holds an active session: the active session below Administrator idle the
    /// longest, if its last packet came at or before <paramref name="idleSince"/>; otherwise null.
    /// </summary>
    public ServerSession? GiveWayCandidate(long idleSince)
    {
        lock (_sync)
        {
            ServerSession? longest = null;
            foreach (var s in _byHandle)
            {
                if (s is not { State: SessionState.Active })
                {
                    return null; // a handle is free or setting up: there is room
                }

                if (s.Context!.MaxPrivilege < PrivilegeLevel.Administrator && s.LastActivity <= idleSince
                    && (longest is null || s.LastActivity < longest.LastActivity))
                {
                    longest = s;
                }
            }

            return longest;
        }
    }

    /// <summary>Sessions of <paramref name="server"/> from <paramref name="address"/> whose RAKP 2 went out at or before <paramref name="sentBy"/> and that have had no RAKP 3.</summary>
    public List<ServerSession>? AwaitingRakp3(IpmiServer server, IPAddress address, long sentBy)
    {
        List<ServerSession>? found = null;
        lock (_sync)
        {
            foreach (var s in _byHandle)
            {
                if (s is { State: SessionState.Rakp2Sent, FailureCounted: false } && s.Server == server && s.Rakp2SentAt <= sentBy && s.RemoteEndPoint.Address.Equals(address))
                {
                    (found ??= []).Add(s);
                }
            }
        }

        return found;
    }

    public ServerSession? Find(uint managedSessionId)
    {
        lock (_sync)
        {
            return _byId.GetValueOrDefault(managedSessionId);
        }
    }

    public ServerSession? FindActiveByHandle(byte handle)
    {
        lock (_sync)
        {
            return handle >= 1 && handle <= _byHandle.Length && _byHandle[handle - 1] is { State: SessionState.Active } s ? s : null;
        }
    }

    /// <summary>The n-th (1-based) active session in handle order, as Get Session Info indexes them.</summary>
    public ServerSession? FindActiveByIndex(int index)
    {
        lock (_sync)
        {
            foreach (var s in _byHandle)
            {
                if (s is { State: SessionState.Active } && --index == 0)
                {
                    return s;
                }
            }

            return null;
        }
    }

    public bool Remove(ServerSession session)
    {
        lock (_sync)
        {
            return RemoveLocked(session);
        }
    }

    /// <summary>Removes sessions past their timeouts and returns them (the caller disposes them).</summary>
    public List<ServerSession>? RemoveExpired(Func<ServerSession, bool> isExpired)
    {
        List<ServerSession>? expired = null;
        lock (_sync)
        {
            foreach (var s in _byHandle)
            {
                if (s is not null && isExpired(s))
                {
                    (expired ??= []).Add(s);
                }
            }

            if (expired is not null)
            {
                foreach (var s in expired)
                {
                    RemoveLocked(s);
                }
            }
        }

        return expired;
    }

    /// <summary>Removes every session of <paramref name="server"/> and returns them (the caller disposes them).</summary>
    public List<ServerSession> RemoveAll(IpmiServer server)
    {
        lock (_sync)
        {
            var all = _byId.Values.Where(s => s.Server == server).ToList();
            foreach (var s in all)
            {
                RemoveLocked(s);
            }

            return all;
        }
    }

    public List<ServerSession> ActiveSnapshot()
    {
        lock (_sync)
        {
            var list = new List<ServerSession>();
            foreach (var s in _byHandle)
            {
                if (s is { State: SessionState.Active })
                {
                    list.Add(s);
                }
            }

            return list;
        }
    }

    private bool RemoveLocked(ServerSession session)
    {
        if (!_byId.Remove(session.ManagedSessionId))
        {
            return false;
        }

        _byHandle[session.Handle - 1] = null;
        return true;
    }
}
