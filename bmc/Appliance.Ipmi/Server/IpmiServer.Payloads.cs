using System.Buffers;
using System.Buffers.Binary;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;
using Appliance.Ipmi.Sol;

namespace Appliance.Ipmi.Server;

/// <summary>
/// Payload activation (IPMI v2.0 section 24) and the Serial-over-LAN payload: one SOL instance per BMC
/// (<see cref="BmcSessions"/>, whichever endpoint its sessions came in on), held by one session at a
/// time; a second activation is refused with "payload already active on another session".
/// </summary>
public sealed partial class IpmiServer
{
    private const byte SolInstance = 1;

    // Activate Payload completion codes (table 24-2); Deactivate Payload shares 80h and 81h.
    private const byte PayloadAlreadyActive = 0x80;
    private const byte PayloadTypeDisabled = 0x81;
    private const byte CannotActivateWithoutEncryption = 0x84;
    private const byte PayloadAlreadyDeactivated = 0x80;
    private const byte PayloadTypeNotAvailable = 0x80;

    private static bool IsPayloadCommand(byte command) => command is
        AppCommand.ActivatePayload or AppCommand.DeactivatePayload or AppCommand.GetPayloadActivationStatus
        or AppCommand.GetPayloadInstanceInfo or AppCommand.GetChannelPayloadSupport or AppCommand.GetChannelPayloadVersion;

    /// <summary>The session holding the BMC's SOL instance, if any (on this endpoint or another).</summary>
    public uint? SerialOverLanSessionId => _bmc.SerialOverLanSessionId;

    private bool SolOffered => _options.SerialOverLan is { Available: true };

    /// <summary>Activate Payload (section 24.1). The new instance starts after the response has gone out.</summary>
    private byte ActivatePayload(ServerSession session, ReadOnlySpan<byte> data, Span<byte> response, out int length, out SolSession? started)
    {
        length = 0;
        started = null;
        if (data.Length != 6)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int type = data[0] & 0x3F;
        int instance = data[1] & 0x0F;
        if (type != (int)PayloadType.Sol || instance != SolInstance)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        ISerialOverLan? sol = _options.SerialOverLan;
        SolSettings? settings = sol?.Settings;
        if (sol is null || !sol.Available || settings is null || !settings.Enabled)
        {
            return PayloadTypeDisabled;
        }

        if (session.Context!.Privilege < settings.Privilege)
        {
            return CompletionCode.InsufficientPrivilege;
        }

        // Every session here is encrypted and authenticated, and so is every payload it carries.
        bool encrypted = (data[2] & 0x80) != 0;
        bool authenticated = (data[2] & 0x40) != 0;
        if (!encrypted || !authenticated)
        {
            return CannotActivateWithoutEncryption;
        }

        lock (_bmc.SolLock)
        {
            if (_bmc.Sol is not null)
            {
                return PayloadAlreadyActive;
            }

            _bmc.Sol = started = new SolSession(session, sol, _time, payload => SendSolPayload(session, payload));
        }

        LogSolActivated(_sessionLogger, session.ManagedSessionId, session.UserName);
        response[..4].Clear(); // auxiliary data: nothing for SOL
        BinaryPrimitives.WriteUInt16LittleEndian(response[4..], SolSession.PayloadSize);
        BinaryPrimitives.WriteUInt16LittleEndian(response[6..], SolSession.PayloadSize);
        BinaryPrimitives.WriteUInt16LittleEndian(response[8..], (ushort)LocalEndPoint.Port);
        BinaryPrimitives.WriteUInt16LittleEndian(response[10..], 0xFFFF); // no VLAN
        length = 12;
        return CompletionCode.Normal;
    }

    /// <summary>Deactivate Payload (section 24.2): by the session that holds it or another one with SOL's privilege.</summary>
    private byte DeactivatePayload(ServerSession session, ReadOnlySpan<byte> data, out SolSession? ended)
    {
        ended = null;
        if (data.Length != 6)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        if ((data[0] & 0x3F) != (int)PayloadType.Sol || (data[1] & 0x0F) != SolInstance)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        if (_options.SerialOverLan is not { } sol)
        {
            return PayloadTypeDisabled;
        }

        lock (_bmc.SolLock)
        {
            if (_bmc.Sol is null)
            {
                return PayloadAlreadyDeactivated;
            }

            if (_bmc.Sol.Owner != session && session.Context!.Privilege < sol.Settings.Privilege)
            {
                return CompletionCode.InsufficientPrivilege;
            }

            ended = _bmc.Sol;
            _bmc.Sol = null;
        }

        return CompletionCode.Normal;
    }

    /// <summary>Get Payload Activation Status (section 24.4): SOL has one instance.</summary>
    private byte GetPayloadActivationStatus(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 1)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        if ((data[0] & 0x3F) != (int)PayloadType.Sol || !SolOffered)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        response[0] = 1; // instance capacity
        lock (_bmc.SolLock)
        {
            response[1] = _bmc.Sol is null ? (byte)0 : (byte)0x01;
        }

        response[2] = 0;
        length = 3;
        return CompletionCode.Normal;
    }

    /// <summary>Get Payload Instance Info (section 24.5): the session holding the instance and the serial port it carries.</summary>
    private byte GetPayloadInstanceInfo(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 2)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        if ((data[0] & 0x3F) != (int)PayloadType.Sol || (data[1] & 0x0F) != SolInstance || !SolOffered)
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        lock (_bmc.SolLock)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(response, _bmc.Sol?.Owner.ManagedSessionId ?? 0);
        }

        response[4..12].Clear();
        response[4] = 1; // the system's first serial port
        length = 12;
        return CompletionCode.Normal;
    }

    /// <summary>Get Channel Payload Support (section 24.8).</summary>
    private byte GetChannelPayloadSupport(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 1)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int channel = data[0] & 0x0F;
        if (!IsThisChannel(channel))
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        response[..8].Clear();
        response[0] = (byte)(SolOffered ? 0x03 : 0x01); // IPMI messages, and SOL when the host's console is there
        response[2] = 0x3F; // Open Session Request/Response, RAKP 1-4
        length = 8;
        return CompletionCode.Normal;
    }

    /// <summary>Get Channel Payload Version (section 24.9): IPMI and SOL payloads are format 1.0.</summary>
    private byte GetChannelPayloadVersion(ReadOnlySpan<byte> data, Span<byte> response, out int length)
    {
        length = 0;
        if (data.Length != 2)
        {
            return CompletionCode.RequestDataLengthInvalid;
        }

        int channel = data[0] & 0x0F;
        if (!IsThisChannel(channel))
        {
            return CompletionCode.InvalidDataFieldInRequest;
        }

        int type = data[1] & 0x3F;
        if (type != (int)PayloadType.Ipmi && (type != (int)PayloadType.Sol || !SolOffered))
        {
            return PayloadTypeNotAvailable;
        }

        response[0] = 0x10;
        length = 1;
        return CompletionCode.Normal;
    }

    /// <summary>A SOL packet on an active session: only the session holding the instance is heard.</summary>
    private void HandleSolPacket(ServerSession session, ReadOnlySpan<byte> payload)
    {
        SolSession? sol;
        lock (_bmc.SolLock)
        {
            sol = _bmc.Sol;
        }

        if (sol is null || sol.Owner != session)
        {
            Drop();
            return;
        }

        sol.OnPacket(payload);
    }

    /// <summary>A session that ends gives up the SOL instance it holds.</summary>
    private void EndSol(ServerSession session, string reason)
    {
        SolSession? ended = null;
        lock (_bmc.SolLock)
        {
            if (_bmc.Sol?.Owner == session)
            {
                ended = _bmc.Sol;
                _bmc.Sol = null;
            }
        }

        if (ended is not null)
        {
            ended.Dispose();
            LogSolDeactivated(_sessionLogger, session.ManagedSessionId, session.UserName, reason);
        }
    }

    private void SendSolPayload(ServerSession session, ReadOnlySpan<byte> payload)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(SessionPacketCodec.V2SecureMaxLength(payload.Length));
        try
        {
            var crypto = session.Crypto!;
            int length;
            lock (crypto.Sync)
            {
                if (crypto.IsDisposed)
                {
                    return;
                }

                length = SessionPacketCodec.WriteV2Secure(rented, crypto, PayloadType.Sol, session.RemoteSessionId, session.NextOutboundSequence(), payload);
            }

            Send(rented.AsSpan(0, length), session.RemoteAddress);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "IPMI session {SessionId:X8} for user '{User}' activated Serial-over-LAN")]
    private static partial void LogSolActivated(Microsoft.Extensions.Logging.ILogger logger, uint sessionId, string user);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "IPMI session {SessionId:X8} for user '{User}' ended Serial-over-LAN: {Reason}")]
    private static partial void LogSolDeactivated(Microsoft.Extensions.Logging.ILogger logger, uint sessionId, string user, string reason);
}
