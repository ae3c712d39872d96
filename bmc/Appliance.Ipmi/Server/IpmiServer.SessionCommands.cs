using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Server;

/// <summary>
/// The commands the session layer answers itself: Get Channel Authentication Capabilities, Get
/// Channel Cipher Suites, Get System GUID, Get Session Challenge / Activate Session (refused: no
/// IPMI v1.5 sessions), Set Session Privilege Level, Close Session and Get Session Info.
/// </summary>
public sealed partial class IpmiServer
{
    private const byte ThisChannel = 0x0E;

    /// <summary>A channel number in a request names this channel: its own number, or 0Eh ("the channel this request came in on").</summary>
    private bool IsThisChannel(int channel) => channel == ThisChannel || channel == _options.ChannelNumber;

    private const int CipherSuiteRecordsPerResponse = 16;

    // Close Session command-specific completion codes.
    private const byte InvalidSessionIdInRequest = 0x87;
    private const byte InvalidSessionHandleInRequest = 0x88;

    // Set Session Privilege Level command-specific completion code.
    private const byte RequestedLevelExceedsLimit = 0x81;

    private static bool IsSessionLayerCommand(byte command) => command is
        AppCommand.GetSystemGuid or AppCommand.GetChannelAuthenticationCapabilities or AppCommand.GetSessionChallenge
        or AppCommand.ActivateSession or AppCommand.SetSessionPrivilegeLevel or AppCommand.CloseSession
        or AppCommand.GetSessionInfo or AppCommand.GetChannelCipherSuites || IsPayloadCommand(command);

    /// <summary>A request outside any session: only the discovery commands are answered with data.</summary>
    private void HandlePreSessionMessage(ReadOnlySpan<byte> message, bool v2, SocketAddress from)
    {
        if (!IpmiLanMessage.TryParseRequest(message, out var request, out int dataOffset, out int dataLength))
        {
            Drop();
            return;
        }

        ReadOnlySpan<byte> data = message.Slice(dataOffset, dataLength);
        Span<byte> response = stackalloc byte[32];
        int length = 0;
        byte cc = request.NetFn != NetFn.App ? CompletionCode.InsufficientPrivilege : request.Command switch
        {
            AppCommand.GetChannelAuthenticationCapabilities => GetChannelAuthenticationCapabilities(data, response, out length),
            AppCommand.GetChannelCipherSuites => GetChannelCipherSuites(data, response, out length),
            AppCommand.GetSystemGuid => GetSystemGuid(data, response, out length),
            AppCommand.GetSessionChallenge or AppCommand.ActivateSession => RefuseIpmi15Session(),
            _ => CompletionCode.InsufficientPrivilege, // everything else needs a session
        };
        SendPreSessionResponse(v2, request, cc, response[..length], from);
    }

    private void HandleSessionLayerCommand(ServerSession session, in LanRequestHeader request, ReadOnlySpan<byte> data)
    {
        var context = session.Context!;
        Span<byte> response = stackalloc byte[32];
        int length = 0;
        ServerSession? toClose = null;
        SolSession? started = null;
        SolSession? ended = null;
        byte cc = request.Command switch
        {
            AppCommand.ActivatePayload => ActivatePayload(session, data, response, out length, out started),
            AppCommand.DeactivatePayload => DeactivatePayload(session, data, out ended),
            AppCommand.GetPayloadActivationStatus => GetPayloadActivationStatus(data, response, out length),
            AppCommand.GetPayloadInstanceInfo => GetPayloadInstanceInfo(data, response, out length),
            AppCommand.GetChannelPayloadSupport => GetChannelPayloadSupport(data, response, out length),
            AppCommand.GetChannelPayloadVersion => GetChannelPayloadVersion(data, response, out length),
            AppCommand.GetChannelAuthenticationCapabilities => GetChannelAuthenticationCapabilities(data, response, out length),
            AppCommand.GetChannelCipherSuites => GetChannelCipherSuites(data, response, out length),
            AppCommand.GetSystemGuid => GetSystemGuid(data, response, out length),
            AppCommand.GetSessionChallenge or AppCommand.ActivateSession => RefuseIpmi15Session(),
            AppCommand.SetSessionPrivilegeLevel => SetSessionPrivilegeLevel(context, data, response, out length),
            AppCommand.CloseSession => CloseSessionCommand(session, data, out toClose),
            AppCommand.GetSessionInfo => GetSessionInfo(session, data, response, out length),
            _ => CompletionCode.InvalidCommand,
        };

        // The closed session leaves the table before the reply goes out (so a console that has the reply
        // finds it gone), but its keys live until the reply is sent.
        bool detached = toClose is not null && _sessions.Remove(toClose);
        SendSessionResponse(session, request, cc, response[..length]);

        // The console has the activation before the first SOL packet, and the deactivation after the last.
        started?.Start();
        if (ended is not null)
        {
            ended.Deactivate(notify: ended.Owner != session);
            ended.Dispose();
            LogSolDeactivated(_sessionLogger, ended.Owner.ManagedSessionId, ended.Owner.UserName,
                ended.Owner == session ? "Deactivate Payload" : $"Deactivate Payload from session {session.ManagedSessionId:X8}");
            if (ended.Owner != session)
            {
                // Taken over from elsewhere: the console that held it learns at its next request that it is done.
                Close(ended.Owner, $"its Serial-over-LAN was deactivated from session {session.ManagedSessionId:X8}");
            }
        }

        if (detached)
        {
            toClose!.Server.Retire(toClose, toClose == session ? "Close Session" : $"Close Session from session {session.ManagedSessionId:X8}");
        }
        else
        {
            AfterResponse(session);
        }
    }

    // IPMI v1.5 sessions (MD2/MD5/straight password/none) are not offered; see the capabilities answer.
    private static byte RefuseIpmi15Session() => CompletionCode.InvalidDataFieldInRequest;

    /// <summary>Get Channel Authentication Capabilities (IPMI v2.0 section 22.13).</summary>
    private byte GetChannelAuthenticationCapabilities(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 2)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int channel = data[0] & 0x0F;
        int privilege = data[1] & 0x0F;
        if (!IsThisChannel(channel) || privilege is 0 or > (int)PrivilegeLevel.Oem)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        response[0] = _options.ChannelNumber;

        // Bit 7: IPMI v2.0 extended capabilities; bits 5:0 (v1.5 authentication types) all clear.
        response[1] = 0x80;

        // Bit 5: K_g is set (non-zero); bit 2: non-null user names enabled. Null names and anonymous
        // login (bits 1, 0) are disabled; per-message and user-level authentication stay enabled.
        response[2] = (byte)((Volatile.Read(ref _kg) is not null ? 0x20 : 0x00) | 0x04);

        // Extended capabilities: the channel supports IPMI v2.0 connections only.
        response[3] = 0x02;
        response[4..8].Clear(); // OEM ID and OEM auxiliary data
        length = 8;
        return CompletionCode.Normal;
    }

    /// <summary>Get Channel Cipher Suites (IPMI v2.0 section 22.15): suites 3 and 17, 16 record bytes per answer.</summary>
    private byte GetChannelCipherSuites(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 3)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int channel = data[0] & 0x0F;
        int payloadType = data[1] & 0x3F;
        if (!IsThisChannel(channel) || payloadType > 1)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        bool bySuite = (data[2] & 0x80) != 0;
        int index = data[2] & 0x3F;
        Span<byte> records = stackalloc byte[16];
        int recordLength = 0;
        if (bySuite)
        {
            foreach (var suite in CipherSuite.Supported)
            {
                records[recordLength++] = 0xC0; // start of a standard cipher suite record
                records[recordLength++] = (byte)suite.Id;
                records[recordLength++] = (byte)suite.Authentication;
                records[recordLength++] = (byte)(0x40 | (byte)suite.Integrity);
                records[recordLength++] = (byte)(0x80 | (byte)suite.Confidentiality);
            }
        }
        else
        {
            // Each supported algorithm once, tagged by kind: 00b authentication, 01b integrity, 10b confidentiality.
            records[recordLength++] = (byte)AuthenticationAlgorithm.RakpHmacSha1;
            records[recordLength++] = (byte)AuthenticationAlgorithm.RakpHmacSha256;
            records[recordLength++] = (byte)(0x40 | (byte)IntegrityAlgorithm.HmacSha1_96);
            records[recordLength++] = (byte)(0x40 | (byte)IntegrityAlgorithm.HmacSha256_128);
            records[recordLength++] = (byte)(0x80 | (byte)ConfidentialityAlgorithm.AesCbc128);
        }

        response[0] = _options.ChannelNumber;
        int offset = index * CipherSuiteRecordsPerResponse;
        int count = Math.Clamp(recordLength - offset, 0, CipherSuiteRecordsPerResponse);
        if (count > 0)
        {
            records.Slice(offset, count).CopyTo(response[1..]);
        }

        length = 1 + count;
        return CompletionCode.Normal;
    }

    /// <summary>Get System GUID (IPMI v2.0 section 22.14): the GUID RAKP uses.</summary>
    private byte GetSystemGuid(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 0)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        _guid.CopyTo(response);
        length = RakpCrypto.GuidLength;
        return CompletionCode.Normal;
    }

    /// <summary>Set Session Privilege Level (IPMI v2.0 section 22.18).</summary>
    private static byte SetSessionPrivilegeLevel(IpmiCallContext context, ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 1)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int requested = data[0] & 0x0F;
        if (requested > (int)PrivilegeLevel.Oem || (data[0] & 0xF0) != 0)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        if (requested != 0)
        {
            if (requested > (int)context.MaxPrivilege)
            {
                return RequestedLevelExceedsLimit;
            }

            context.Privilege = (PrivilegeLevel)requested;
        }

        response[0] = (byte)context.Privilege;
        length = 1;
        return CompletionCode.Normal;
    }

    /// <summary>Close Session (IPMI v2.0 section 22.19): one's own at any level, another's as Administrator.</summary>
    private byte CloseSessionCommand(ServerSession session, ReadOnlySpan<byte> data, out ServerSession? toClose)
    {
        toClose = null;
        if (data.Length is not (4 or 5))
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        uint id = BinaryPrimitives.ReadUInt32LittleEndian(data);
        ServerSession? target;
        if (id == 0)
        {
            if (data.Length != 5)
            {
                return CompletionCode.RequestDataLengthInvalid;
            }

            target = _sessions.FindActiveByHandle(data[4]);
            if (target is null)
            {
                return InvalidSessionHandleInRequest;
            }
        }
        else
        {
            target = _sessions.Find(id);
            if (target is null || target.State != SessionState.Active)
            {
                return InvalidSessionIdInRequest;
            }
        }

        if (target != session && session.Context!.Privilege < PrivilegeLevel.Administrator)
        {
            return CompletionCode.InsufficientPrivilege;
        }

        toClose = target;
        return CompletionCode.Normal;
    }

    /// <summary>Get Session Info (IPMI v2.0 section 22.20), with the 802.3 LAN channel data.</summary>
    private byte GetSessionInfo(ServerSession current, ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length < 1)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        byte index = data[0];
        ServerSession? target;
        switch (index)
        {
            case 0x00:
                if (data.Length != 1)
                {
                    return CompletionCode.RequestDataLengthInvalid;
                }

                target = current;
                break;
            case 0xFE:
                if (data.Length != 2)
                {
                    return CompletionCode.RequestDataLengthInvalid;
                }

                target = _sessions.FindActiveByHandle(data[1]);
                break;
            case 0xFF:
                if (data.Length != 5)
                {
                    return CompletionCode.RequestDataLengthInvalid;
                }

                target = _sessions.Find(BinaryPrimitives.ReadUInt32LittleEndian(data[1..]));
                if (target is { State: not SessionState.Active })
                {
                    target = null;
                }

                break;
            default:
                if (data.Length != 1)
                {
                    return CompletionCode.RequestDataLengthInvalid;
                }

                if (index > _sessions.MaxSessions)
                {
                    return CompletionCode.InvalidDataFieldInRequest;
                }

                target = _sessions.FindActiveByIndex(index);
                break;
        }

        response[0] = target?.Handle ?? 0;
        response[1] = (byte)_sessions.MaxSessions;
        response[2] = (byte)_sessions.ActiveCount;
        if (target is null)
        {
            // No session there: only handle, slot count and active count, as the spec allows.
            length = 3;
            return CompletionCode.Normal;
        }

        var context = target.Context!;
        var remote = target.RemoteEndPoint;
        response[3] = context.UserId;
        response[4] = (byte)context.Privilege;
        response[5] = (byte)((1 << 4) | (context.ChannelNumber & 0x0F)); // 1h: IPMI v2.0/RMCP+ session
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(response[6..10], out _);
        }
        else
        {
            response[6..10].Clear();
        }

        response[10..16].Clear(); // the console's MAC address is not known at this layer
        BinaryPrimitives.WriteUInt16LittleEndian(response[16..], (ushort)remote.Port);
        length = 18;
        return CompletionCode.Normal;
    }
}
