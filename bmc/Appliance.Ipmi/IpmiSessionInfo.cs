using System.Net;

namespace Appliance.Ipmi;

/// <summary>A read-only snapshot of one active session.</summary>
/// <param name="SessionId">Managed system session ID.</param>
/// <param name="Handle">Session handle (1..63) as Get Session Info reports it.</param>
/// <param name="UserId">User ID.</param>
/// <param name="UserName">User name.</param>
/// <param name="Privilege">Current operating privilege level.</param>
/// <param name="ChannelNumber">Channel number.</param>
/// <param name="RemoteEndPoint">Remote console address.</param>
/// <param name="CipherSuite">Cipher suite the session was opened with.</param>
public sealed record IpmiSessionInfo(
    uint SessionId,
    byte Handle,
    byte UserId,
    string UserName,
    PrivilegeLevel Privilege,
    byte ChannelNumber,
    IPEndPoint RemoteEndPoint,
    CipherSuiteId CipherSuite);
