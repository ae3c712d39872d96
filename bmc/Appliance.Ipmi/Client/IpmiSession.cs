using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Client;

/// <summary>
/// An open RMCP+ session to a BMC. Every packet carries integrity and confidentiality. Safe for
/// concurrent <see cref="SendAsync"/> calls: requests are told apart by their rqSeq.
/// </summary>
public sealed class IpmiSession : IAsyncDisposable, IIpmiRequester
{
    private const int MaxDatagram = 1500;
    private const int MaxInFlight = 32;

    private readonly Socket _socket;
    private readonly SessionCrypto _crypto;
    private readonly IpmiClientOptions _options;
    private readonly Pending?[] _pending = new Pending?[64];
    private readonly Lock _pendingLock = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private SequenceWindow _window;
    private uint _outboundSequence;
    private int _nextRqSeq;
    private int _closed;

    internal IpmiSession(Socket socket, SessionCrypto crypto, uint managedSessionId, uint remoteSessionId, IpmiClientOptions options)
    {
        _socket = socket;
        _crypto = crypto;
        SessionId = managedSessionId;
        RemoteConsoleSessionId = remoteSessionId;
        _options = options;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The BMC's (managed system) session ID.</summary>
    public uint SessionId { get; }

    /// <summary>This console's session ID.</summary>
    public uint RemoteConsoleSessionId { get; }

    /// <summary>The cipher suite in use.</summary>
    public CipherSuiteId CipherSuite => _crypto.Suite.Id;

    /// <summary>The session's operating privilege level as last set (sessions start at User).</summary>
    public PrivilegeLevel Privilege { get; private set; } = PrivilegeLevel.User;

    /// <summary>
    /// Sends one request and returns the BMC's response, whatever its completion code.
    /// Retransmits after each timeout, up to the configured retries.
    /// </summary>
    /// <exception cref="IpmiTimeoutException">No response after all tries.</exception>
    public async Task<IpmiResponse> SendAsync(NetFn netFn, byte command, ReadOnlyMemory<byte> data = default, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        if (data.Length > 255)
        {
            throw new ArgumentException("IPMI request data is at most 255 bytes here", nameof(data));
        }

        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        var pending = new Pending(netFn, command);
        byte rqSeq = Register(pending);
        int messageLength = IpmiLanMessage.RequestLength(data.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(messageLength + SessionPacketCodec.V2SecureMaxLength(messageLength));
        try
        {
            for (int attempt = 0; attempt <= _options.Retries; attempt++)
            {
                // Each try is a new packet with a new session sequence number; the rqSeq stays, so a late answer still counts.
                int length = BuildRequest(buffer, messageLength, netFn, rqSeq, command, data.Span);
                try
                {
                    _socket.Send(buffer.AsSpan(messageLength, length));
                }
                catch (SocketException)
                {
                    // Handled like a lost datagram.
                }

                try
                {
                    return await pending.Completion.Task.WaitAsync(_options.Timeout, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }

            throw new IpmiTimeoutException($"no response to NetFn {netFn} command {command:X2}h from {_options.Host}:{_options.Port} after {_options.Retries + 1} tries");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Unregister(rqSeq);
            _inFlight.Release();
        }
    }

    /// <summary>Sends a request and returns its response data; throws when the completion code is not 00h.</summary>
    /// <exception cref="IpmiCompletionCodeException">The BMC answered with an error completion code.</exception>
    public async Task<ReadOnlyMemory<byte>> SendCheckedAsync(NetFn netFn, byte command, ReadOnlyMemory<byte> data = default, CancellationToken ct = default)
    {
        var response = await SendAsync(netFn, command, data, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new IpmiCompletionCodeException(netFn, command, response.CompletionCode);
        }

        return response.Data;
    }

    /// <summary>Get Device ID.</summary>
    public async Task<DeviceId> GetDeviceIdAsync(CancellationToken ct = default)
    {
        var data = await SendCheckedAsync(NetFn.App, AppCommand.GetDeviceId, default, ct).ConfigureAwait(false);
        return DeviceId.TryDecode(data.Span, out var id) ? id! : throw new IpmiException($"Get Device ID answered {data.Length} bytes; at least 11 expected");
    }

    /// <summary>Get Chassis Status.</summary>
    public async Task<ChassisStatus> GetChassisStatusAsync(CancellationToken ct = default)
    {
        var data = await SendCheckedAsync(NetFn.Chassis, ChassisCommand.GetChassisStatus, default, ct).ConfigureAwait(false);
        return ChassisStatus.TryDecode(data.Span, out var status) ? status! : throw new IpmiException($"Get Chassis Status answered {data.Length} bytes; at least 3 expected");
    }

    /// <summary>Chassis Control (power down/up/cycle, hard reset, diagnostic interrupt, soft shutdown).</summary>
    public Task ChassisControlAsync(ChassisControl action, CancellationToken ct = default) =>
        SendCheckedAsync(NetFn.Chassis, ChassisCommand.ChassisControl, new[] { ChassisControlCodec.Encode(action) }, ct);

    /// <summary>Set Session Privilege Level; returns the level now in effect.</summary>
    public async Task<PrivilegeLevel> SetPrivilegeLevelAsync(PrivilegeLevel level, CancellationToken ct = default)
    {
        var data = await SendCheckedAsync(NetFn.App, AppCommand.SetSessionPrivilegeLevel, new[] { (byte)level }, ct).ConfigureAwait(false);
        Privilege = data.Length >= 1 ? (PrivilegeLevel)(data.Span[0] & 0x0F) : level;
        return Privilege;
    }

    /// <summary>Close Session, then release the socket. Safe to call more than once.</summary>
    public async Task CloseAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        try
        {
            byte[] id = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(id, SessionId);
            await SendAsync(NetFn.App, AppCommand.CloseSession, id, ct).ConfigureAwait(false);
        }
        catch (IpmiTimeoutException)
        {
            // The BMC may already have dropped the session; it expires there on its own.
        }
        finally
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the session (see <see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        lock (_crypto.Sync)
        {
            _crypto.Dispose();
        }

        _stop.Dispose();
    }

    private int BuildRequest(byte[] buffer, int messageLength, NetFn netFn, byte rqSeq, byte command, ReadOnlySpan<byte> data)
    {
        Span<byte> message = buffer.AsSpan(0, messageLength);
        IpmiLanMessage.WriteRequest(message, netFn, 0, rqSeq, command, data);
        lock (_crypto.Sync)
        {
            ObjectDisposedException.ThrowIf(_crypto.IsDisposed, this);
            uint sequence = ++_outboundSequence;
            if (sequence == 0)
            {
                sequence = ++_outboundSequence;
            }

            return SessionPacketCodec.WriteV2Secure(buffer.AsSpan(messageLength), _crypto, PayloadType.Ipmi, SessionId, sequence, message);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = new byte[MaxDatagram];
        byte[] plain = new byte[MaxDatagram];
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier datagram; pause briefly so a dead port cannot spin this loop.
                try
                {
                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            HandleResponse(buffer.AsSpan(0, received), plain);
        }
    }

    private void HandleResponse(ReadOnlySpan<byte> datagram, byte[] plain)
    {
        if (!SessionPacketCodec.TryParse(datagram, out var packet) || !packet.IsV2 || packet.SessionId != RemoteConsoleSessionId
            || !packet.Authenticated || !packet.Encrypted || packet.PayloadType != PayloadType.Ipmi)
        {
            return;
        }

        int plainLength;
        lock (_crypto.Sync)
        {
            if (_crypto.IsDisposed
                || !SessionPacketCodec.VerifyIntegrity(datagram, packet, _crypto)
                || !_window.TryAccept(packet.Sequence)
                || !_crypto.TryDecrypt(datagram.Slice(packet.PayloadOffset, packet.PayloadLength), plain, out plainLength))
            {
                return;
            }
        }

        if (!IpmiLanMessage.TryParseResponse(plain.AsSpan(0, plainLength), out var header, out int offset, out int length))
        {
            return;
        }

        Pending? pending;
        lock (_pendingLock)
        {
            pending = _pending[header.RqSeq];
        }

        if (pending is not null && header.NetFn == ((byte)pending.NetFn | 1) && header.Command == pending.Command)
        {
            pending.Completion.TrySetResult(new IpmiResponse(header.CompletionCode, plain.AsSpan(offset, length).ToArray()));
        }
    }

    private byte Register(Pending pending)
    {
        lock (_pendingLock)
        {
            // rqSeq is 6 bits; with at most 32 in flight a free one always exists.
            while (true)
            {
                byte rqSeq = (byte)(_nextRqSeq++ & 0x3F);
                if (_pending[rqSeq] is null)
                {
                    _pending[rqSeq] = pending;
                    return rqSeq;
                }
            }
        }
    }

    private void Unregister(byte rqSeq)
    {
        lock (_pendingLock)
        {
            _pending[rqSeq] = null;
        }
    }

    private sealed class Pending(NetFn netFn, byte command)
    {
        public NetFn NetFn { get; } = netFn;

        public byte Command { get; } = command;

        public TaskCompletionSource<IpmiResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
