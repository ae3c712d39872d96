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

    /// <summary>Maximum simultaneous sessions, half-open ones included (15..63). Default 16.</summary>
    public int MaxSessions { get; set; } = 16;

    /// <summary>An active session with no valid packet for this long is closed. Default 60 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A session still in setup (Open Session/RAKP) this long is discarded; one that named a user counts
    /// as a failed authentication then. Default 5 s (consoles send RAKP 3 within milliseconds of RAKP 2).
    /// </summary>
    public TimeSpan HalfOpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Highest privilege any session on this channel may have. Default Administrator.</summary>
    public PrivilegeLevel ChannelPrivilegeLimit { get; set; } = PrivilegeLevel.Administrator;

    /// <summary>
    /// Failed authentications from one source address within <see cref="AuthenticationFailureWindow"/>
    /// after which that address may not open sessions until the window has passed. Default 10.
    /// </summary>
    public int MaxAuthenticationFailuresPerAddress { get; set; } = 10;

    /// <summary>The window of <see cref="MaxAuthenticationFailuresPerAddress"/>. Default 60 s.</summary>
    public TimeSpan AuthenticationFailureWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where each session opened or closed is logged (a line each, at Information): an access log the
    /// host can turn off. Null logs them with the server's own logger.
    /// </summary>
    public ILogger? SessionLogger { get; set; }

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

        if (MaxAuthenticationFailuresPerAddress < 1 || AuthenticationFailureWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("the per-address failure limit and window must be positive");
        }
    }
}
