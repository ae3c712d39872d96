using System.Net;
using Microsoft.Extensions.Logging;

namespace Appliance.Ipmi.Server;

/// <summary>Settings of an <see cref="IpmiServer"/>.</summary>
public sealed class IpmiServerOptions
{
    /// <summary>UDP endpoint to bind. Default 0.0.0.0:623; use port 0 to let the OS pick (see <see cref="IpmiServer.LocalEndPoint"/>).</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Any, 623);

    /// <summary>The LAN channel number this server answers as (1..11). Default 1.</summary>
    public byte ChannelNumber { get; set; } = 1;

    /// <summary>System GUID: sent in RAKP Message 2 (GUIDc) and by Get System GUID.</summary>
    public Guid SystemGuid { get; set; } = Guid.Empty;

    /// <summary>Optional BMC key K_g (at most 20 bytes). When set, clients must know it too (ipmitool -k/-y).</summary>
    public byte[]? Kg { get; set; }

    /// <summary>Maximum simultaneous sessions, half-open ones included (15..63). Default 16; with <see cref="Sessions"/>, its capacity.</summary>
    public int MaxSessions { get; set; } = 16;

    /// <summary>
    /// The BMC's sessions and payload instances, when other servers answer for the same BMC on other
    /// endpoints: give each the same instance. Null: this server's own.
    /// </summary>
    public BmcSessions? Sessions { get; set; }

    /// <summary>
    /// Sessions below Administrator privilege (by the session's maximum) that one user may have
    /// active at once: half the table by default (8 of 16), so one monitoring tool may poll over
    /// several sessions but no account can fill the table.
    /// </summary>
    public int MaxSessionsPerUser { get; set; } = 8;

    /// <summary>
    /// Active sessions kept for Administrator privilege: sessions below it may hold at most
    /// <see cref="MaxSessions"/> minus this many. Default 1.
    /// </summary>
    public int SessionsReservedForAdministrators { get; set; } = 1;

    /// <summary>
    /// When an administrator's login takes the last session, the longest-idle session below
    /// Administrator that has been idle at least this long is closed, so that the next login finds
    /// room. Default 30 s.
    /// </summary>
    public TimeSpan IdleBeforeGivingWay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An active session with no valid packet for this long is closed. Default 60 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A session still in setup (Open Session/RAKP) this long is discarded; one that named a user and
    /// was not counted yet counts as a failed authentication then. Default 5 s (consoles send RAKP 3
    /// within milliseconds of RAKP 2; one that abandons the exchange is usually noticed sooner, when
    /// its address starts another).
    /// </summary>
    public TimeSpan HalfOpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Highest privilege any session on this channel may have. Default Administrator.</summary>
    public PrivilegeLevel ChannelPrivilegeLimit { get; set; } = PrivilegeLevel.Administrator;

    /// <summary>
    /// Failed authentications in a row from one source address that cost it nothing; each further one
    /// doubles the time before that address may open a session again, starting at 1 s. Default 3.
    /// </summary>
    public int AuthenticationFailuresBeforeDelay { get; set; } = 3;

    /// <summary>The longest wait one address's failures can bring upon it. Default 60 s.</summary>
    public TimeSpan MaxAuthenticationDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An address's failures are forgotten after this long without another. Default 10 minutes.</summary>
    public TimeSpan AuthenticationFailureMemory { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Where each session opened or closed is logged (a line each, at Information): an access log the
    /// host can turn off. Null logs them with the server's own logger.
    /// </summary>
    public ILogger? SessionLogger { get; set; }

    /// <summary>The host's serial console for Serial-over-LAN (payload type 1); null: the channel carries no SOL.</summary>
    public Sol.ISerialOverLan? SerialOverLan { get; set; }

    /// <summary>
    /// Threads taking datagrams off the socket (1..16). Default: one per core, at most 2. With two, a
    /// console's next request is taken while the answer to its last is still on its way out, and under
    /// load both cores answer; a session's setup and its packets are serialised per session either way.
    /// </summary>
    public int ReceiveThreads { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 2);

    /// <summary>Clock for timeouts (FakeTimeProvider in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (ChannelNumber is 0 or > 11)
        {
            throw new ArgumentOutOfRangeException(nameof(ChannelNumber), ChannelNumber, "a LAN channel number is 1..11");
        }

        if (MaxSessions is < 15 or > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSessions), MaxSessions, "MaxSessions must be 15..63");
        }

        if (Sessions is not null && Sessions.MaxSessions != MaxSessions)
        {
            throw new ArgumentException("MaxSessions must be the shared sessions' capacity", nameof(MaxSessions));
        }

        if (MaxSessionsPerUser < 1 || SessionsReservedForAdministrators < 0 || SessionsReservedForAdministrators >= MaxSessions || IdleBeforeGivingWay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxSessionsPerUser must be positive, SessionsReservedForAdministrators 0..MaxSessions-1, IdleBeforeGivingWay not negative");
        }

        if (Kg is { Length: > 20 })
        {
            throw new ArgumentException("K_g is at most 20 bytes", nameof(Kg));
        }

        if (IdleTimeout <= TimeSpan.Zero || HalfOpenTimeout <= TimeSpan.Zero || HalfOpenTimeout > IdleTimeout)
        {
            throw new ArgumentException("timeouts must be positive and HalfOpenTimeout must not exceed IdleTimeout");
        }

        if (ChannelPrivilegeLimit is < PrivilegeLevel.Callback or > PrivilegeLevel.Oem)
        {
            throw new ArgumentOutOfRangeException(nameof(ChannelPrivilegeLimit), ChannelPrivilegeLimit, "not a privilege level");
        }

        if (ReceiveThreads is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveThreads), ReceiveThreads, "ReceiveThreads must be 1..16");
        }

        if (AuthenticationFailuresBeforeDelay < 0 || MaxAuthenticationDelay < TimeSpan.Zero || AuthenticationFailureMemory <= TimeSpan.Zero)
        {
            throw new ArgumentException("the per-address failure allowance, delay and memory must not be negative");
        }
    }
}
