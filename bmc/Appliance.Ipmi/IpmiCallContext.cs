using System.Net;

namespace Appliance.Ipmi;

/// <summary>
/// What a command handler knows about the session a request arrived on. One instance lives as long
/// as its session, so reading it costs nothing per request.
/// </summary>
public class IpmiCallContext
{
    private readonly IIpmiSessionHost? _host;
    private volatile bool _closeRequested;

    /// <summary>Creates a context (the server makes one per session; tests may make their own).</summary>
    public IpmiCallContext(
        uint sessionId,
        byte userId,
        string userName,
        PrivilegeLevel privilege,
        PrivilegeLevel maxPrivilege,
        byte channelNumber,
        IPEndPoint remoteEndPoint)
        : this(sessionId, userId, userName, privilege, maxPrivilege, channelNumber, remoteEndPoint, null)
    {
    }

    internal IpmiCallContext(
        uint sessionId,
        byte userId,
        string userName,
        PrivilegeLevel privilege,
        PrivilegeLevel maxPrivilege,
        byte channelNumber,
        IPEndPoint remoteEndPoint,
        IIpmiSessionHost? host)
    {
        SessionId = sessionId;
        UserId = userId;
        UserName = userName;
        Privilege = privilege;
        MaxPrivilege = maxPrivilege;
        ChannelNumber = channelNumber;
        RemoteEndPoint = remoteEndPoint;
        _host = host;
    }

    /// <summary>The BMC-side (managed system) session ID.</summary>
    public uint SessionId { get; }

    /// <summary>The authenticated user's ID.</summary>
    public byte UserId { get; }

    /// <summary>The authenticated user's name.</summary>
    public string UserName { get; }

    /// <summary>The session's current operating privilege level (changed by Set Session Privilege Level).</summary>
    public PrivilegeLevel Privilege { get; internal set; }

    /// <summary>The highest privilege this session may take.</summary>
    public PrivilegeLevel MaxPrivilege { get; }

    /// <summary>The channel the session runs on.</summary>
    public byte ChannelNumber { get; }

    /// <summary>The remote console's address.</summary>
    public IPEndPoint RemoteEndPoint { get; internal set; }

    /// <summary>True once <see cref="RequestSessionClose"/> was called.</summary>
    public bool CloseRequested => _closeRequested;

    /// <summary>Asks the server to close this session after the current response has been sent.</summary>
    public void RequestSessionClose() => _closeRequested = true;

    /// <summary>The server's active sessions (empty when the context is not attached to a server).</summary>
    public IReadOnlyList<IpmiSessionInfo> ActiveSessions => _host?.GetActiveSessions() ?? [];

    /// <summary>Closes another session by its ID; false when there is no such session.</summary>
    public bool CloseSession(uint sessionId) => _host?.CloseSession(sessionId) ?? false;
}
