using System.Buffers.Binary;
using System.Net.Sockets;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.SystemInterface;

/// <summary>
/// The session commands as the host meets them on the system interface, which has no sessions of
/// its own (as a BMC answers them on KCS; OpenBMC's ipmid does the same):
/// Get System GUID is answered; Get Channel Authentication Capabilities and Get Channel Cipher
/// Suites describe how to open a session, so they get CCh (ask them over LAN); Get Session
/// Challenge, Activate Session and Set Session Privilege Level need a session and get C1h. Close
/// Session and Get Session Info reach the LAN channel's sessions: by session ID, by handle, or (Get
/// Session Info) by index; index 0, "this session", gets CCh.
/// </summary>
public sealed class SystemInterfaceSessionCommands(LanSessions lan, Guid systemGuid)
{
    // Close Session command-specific completion codes.
    private const byte InvalidSessionId = 0x87;
    private const byte InvalidSessionHandle = 0x88;

    private readonly byte[] _guid = LeastSignificantFirst(systemGuid);

    /// <summary>True for the App commands the session layer answers over LAN.</summary>
    public static bool Handles(NetFn netFn, byte command) => netFn == NetFn.App && command is
        AppCommand.GetSystemGuid or AppCommand.GetChannelAuthenticationCapabilities or AppCommand.GetSessionChallenge
        or AppCommand.ActivateSession or AppCommand.SetSessionPrivilegeLevel or AppCommand.CloseSession
        or AppCommand.GetSessionInfo or AppCommand.GetChannelCipherSuites;

    public IpmiResponse Answer(byte command, ReadOnlySpan<byte> data) => command switch
    {
        AppCommand.GetSystemGuid => data.Length == 0 ? IpmiResponse.Ok(_guid) : IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid),
        AppCommand.GetChannelAuthenticationCapabilities => IpmiResponse.Error(data.Length == 2 ? CompletionCode.InvalidDataFieldInRequest : CompletionCode.RequestDataLengthInvalid),
        AppCommand.GetChannelCipherSuites => IpmiResponse.Error(data.Length == 3 ? CompletionCode.InvalidDataFieldInRequest : CompletionCode.RequestDataLengthInvalid),
        AppCommand.CloseSession => CloseSession(data),
        AppCommand.GetSessionInfo => GetSessionInfo(data),
        _ => IpmiResponse.Error(CompletionCode.InvalidCommand),
    };

    /// <summary>Close Session (IPMI v2.0 section 22.19) of a LAN session, by ID or (ID 0) by handle.</summary>
    private IpmiResponse CloseSession(ReadOnlySpan<byte> data)
    {
        if (data.Length is not (4 or 5))
        {
            return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
        }

        uint id = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (id == 0)
        {
            if (data.Length != 5)
            {
                return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
            }

            byte handle = data[4];
            IpmiSessionInfo? byHandle = lan.Active.FirstOrDefault(s => s.Handle == handle);
            return byHandle is not null && lan.Close(byHandle.SessionId) ? IpmiResponse.Ok() : IpmiResponse.Error(InvalidSessionHandle);
        }

        if (data.Length != 4)
        {
            return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
        }

        return lan.Close(id) ? IpmiResponse.Ok() : IpmiResponse.Error(InvalidSessionId);
    }

    /// <summary>Get Session Info (IPMI v2.0 section 22.20) about a LAN session, with the 802.3 channel data.</summary>
    private IpmiResponse GetSessionInfo(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1)
        {
            return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
        }

        IReadOnlyList<IpmiSessionInfo> active = lan.Active;
        IpmiSessionInfo? target;
        switch (data[0])
        {
            case 0x00:
                // "This session": the system interface has none.
                return IpmiResponse.Error(data.Length == 1 ? CompletionCode.InvalidDataFieldInRequest : CompletionCode.RequestDataLengthInvalid);
            case 0xFE:
                if (data.Length != 2)
                {
                    return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
                }

                byte handle = data[1];
                target = active.FirstOrDefault(s => s.Handle == handle);
                break;
            case 0xFF:
                if (data.Length != 5)
                {
                    return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
                }

                uint id = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
                target = active.FirstOrDefault(s => s.SessionId == id);
                break;
            default:
                if (data.Length != 1)
                {
                    return IpmiResponse.Error(CompletionCode.RequestDataLengthInvalid);
                }

                if (data[0] > lan.MaxSessions)
                {
                    return IpmiResponse.Error(CompletionCode.InvalidDataFieldInRequest);
                }

                target = active.ElementAtOrDefault(data[0] - 1);
                break;
        }

        byte[] response = new byte[target is null ? 3 : 18];
        response[0] = target?.Handle ?? 0;
        response[1] = (byte)Math.Min(0x3F, lan.MaxSessions);
        response[2] = (byte)Math.Min(0x3F, active.Count);
        if (target is null)
        {
            return IpmiResponse.Ok(response);
        }

        response[3] = target.UserId;
        response[4] = (byte)target.Privilege;
        response[5] = (byte)((1 << 4) | (target.ChannelNumber & 0x0F)); // 1h: IPMI v2.0/RMCP+ session
        var address = target.RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? target.RemoteEndPoint.Address.MapToIPv4() : target.RemoteEndPoint.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(response.AsSpan(6, 4), out _);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(response.AsSpan(16), (ushort)target.RemoteEndPoint.Port);
        return IpmiResponse.Ok(response);
    }

    // The spec sends a GUID least significant byte first: the RFC 4122 byte order, reversed (as the LAN side does).
    private static byte[] LeastSignificantFirst(Guid guid)
    {
        byte[] bytes = guid.ToByteArray(bigEndian: true);
        Array.Reverse(bytes);
        return bytes;
    }
}
