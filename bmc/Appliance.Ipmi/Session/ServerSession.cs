using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Server;

namespace Appliance.Ipmi.Session;

internal enum SessionState
{
    /// <summary>Open Session Response sent; waiting for RAKP Message 1.</summary>
    OpenSessionResponded,
    /// <summary>RAKP Message 2 sent; waiting for RAKP Message 3.</summary>
    Rakp2Sent,
    /// <summary>RAKP Message 4 sent; packets carry integrity and confidentiality.</summary>
    Active,
}

/// <summary>One BMC-side RMCP+ session, from Open Session Request to Close Session.</summary>
internal sealed class ServerSession : IDisposable
{
    private long _lastActivity;
    private uint _outboundSequence;
    private int _failureCounted;

    public ServerSession(uint managedSessionId, uint remoteSessionId, byte handle, CipherSuite suite, PrivilegeLevel requestedMaxPrivilege, SocketAddress remoteAddress, IPEndPoint remoteEndPoint, long now, RecentRequests recent)
    {
        Recent = recent;
        RemoteEndPoint = remoteEndPoint;
        ManagedSessionId = managedSessionId;
        RemoteSessionId = remoteSessionId;
        Handle = handle;
        Suite = suite;
        OpenSessionMaxPrivilege = requestedMaxPrivilege;
        RemoteAddress = remoteAddress;
        _lastActivity = now;
        CreatedAt = now;
    }

    /// <summary>The endpoint the session was opened on: the only one whose packets it accepts and that it answers from.</summary>
    public required IpmiServer Server { get; init; }

    public uint ManagedSessionId { get; }

    public uint RemoteSessionId { get; }

    public byte Handle { get; }

    public CipherSuite Suite { get; }

    public PrivilegeLevel OpenSessionMaxPrivilege { get; }

    public long CreatedAt { get; }

    public SessionState State { get; private set; }

    /// <summary>
    /// Held while a setup step (RAKP 1, RAKP 3) reads and changes the session: the server's receive
    /// loops may take a retransmission and its original, or a RAKP 1 and a RAKP 3, at the same time.
    /// </summary>
    public Lock Setup { get; } = new();

    /// <summary>Where the last valid packet came from; replaced (never mutated) when it changes.</summary>
    public SocketAddress RemoteAddress { get; set; }

    public IPEndPoint RemoteEndPoint { get; set; }

    /// <summary>Recent requests, for answering retransmissions without executing them again.</summary>
    public RecentRequests Recent { get; }

    // RAKP state, kept only until activation.
    public byte[] RemoteRandom { get; } = new byte[RakpCrypto.RandomLength];

    public byte[] ManagedRandom { get; } = new byte[RakpCrypto.RandomLength];

    public byte Role { get; private set; }

    public byte[] UserNameBytes { get; private set; } = [];

    public string UserName { get; private set; } = string.Empty;

    /// <summary>
    /// The HMAC keyed with what RAKP 2 was computed with: the user's key, or the server's random decoy
    /// for an unknown or locked-out name. RAKP 3 and the SIK (without K_G) take the same key. It is
    /// the server's prepared key, shared with other setups: the session never clears it.
    /// </summary>
    public ManagedHmac? RakpKey { get; private set; }

    public IpmiUser? User { get; private set; }

    public byte[] Rakp3AuthCode { get; private set; } = [];

    public bool ReceivedInSession { get; set; }

    // Active state.
    public SessionCrypto? Crypto { get; private set; }

    public SequenceWindow Window;

    public IpmiCallContext? Context { get; private set; }

    public long LastActivity => Interlocked.Read(ref _lastActivity);

    public void Touch(long now) => Interlocked.Exchange(ref _lastActivity, now);

    /// <summary>The name was locked out when RAKP 1 arrived: the attempt was refused unseen and does not count again.</summary>
    public bool WasLockedOut { get; private set; }

    /// <summary>This exchange's failure has been counted (RAKP 3 failed, or the console abandoned it); it never counts twice.</summary>
    public bool FailureCounted => Volatile.Read(ref _failureCounted) != 0;

    /// <summary>Marks the failure counted; false when it already was (by a receive loop or the expiry timer).</summary>
    public bool TryCountFailure() => Interlocked.Exchange(ref _failureCounted, 1) == 0;

    /// <summary>When RAKP 2 went out (timestamp).</summary>
    public long Rakp2SentAt { get; private set; }

    public void BeginRakp(byte role, ReadOnlySpan<byte> userName, string name, IpmiUser? user, ManagedHmac key, bool lockedOut, long now)
    {
        Rakp2SentAt = now;
        WasLockedOut = lockedOut;
        Role = role;
        UserNameBytes = userName.ToArray();
        UserName = name;
        User = user;
        RakpKey = key;
        State = SessionState.Rakp2Sent;
    }

    public void Activate(SessionCrypto crypto, byte[] rakp3AuthCode, PrivilegeLevel maxPrivilege, byte channel, IIpmiSessionHost host)
    {
        Crypto = crypto;
        Rakp3AuthCode = rakp3AuthCode;
        var user = User!;

        // IPMI v2.0 section 13.14: a session starts at User level (or lower when that is its limit).
        PrivilegeLevel initial = maxPrivilege < PrivilegeLevel.User ? maxPrivilege : PrivilegeLevel.User;
        Context = new IpmiCallContext(ManagedSessionId, user.UserId, user.Name, initial, maxPrivilege, channel, RemoteEndPoint, host);
        State = SessionState.Active;
    }

    /// <summary>Next outbound session sequence number; 0 is skipped because it marks unauthenticated packets.</summary>
    public uint NextOutboundSequence()
    {
        uint next = Interlocked.Increment(ref _outboundSequence);
        return next != 0 ? next : Interlocked.Increment(ref _outboundSequence);
    }

    public void Dispose()
    {
        var crypto = Crypto;
        if (crypto is not null)
        {
            lock (crypto.Sync)
            {
                crypto.Dispose();
            }
        }
    }
}
