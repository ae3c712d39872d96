using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;
using Appliance.Throttling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Ipmi.Server;

/// <summary>
/// An IPMI v2.0 LAN server: RMCP/ASF, RMCP+ session setup (RAKP with cipher suites 3 and 17), the
/// session commands, and dispatch of everything else to an <see cref="IpmiCommandTable"/>.
/// <see cref="IpmiServerOptions.ReceiveThreads"/> receive loops share the socket, each on its own
/// thread; handlers may complete asynchronously. A session's setup steps run one at a time (under its
/// <see cref="ServerSession.Setup"/> lock), whichever loop takes them.
/// </summary>
public sealed partial class IpmiServer : IAsyncDisposable, IIpmiSessionHost
{
    private const int MaxDatagram = 1500;

    /// <summary>How long a retransmitted request is recognised as such (FreeIPMI retransmits for up to 20 s).</summary>
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(30);

    /// <summary>Largest response data a handler may return (keeps replies within one Ethernet frame).</summary>
    public const int MaxResponseDataLength = 1024;

    private readonly IpmiServerOptions _options;
    private readonly IpmiCommandTable _commands;
    private readonly IIpmiUserDirectory _users;
    private readonly ILogger _logger;
    private readonly ILogger _sessionLogger;
    private readonly TimeProvider _time;
    private readonly BmcSessions _bmc;
    private readonly SessionTable _sessions;
    // Slows password guessing per source address (IPv6: per /64), for all names: IpmiServerOptions.AuthenticationFailuresBeforeDelay.
    private readonly FailureThrottle<IPAddress> _sourceThrottle;
    private readonly byte[] _guid;
    // K_g prepared for RAKP; null while it is not set (the spec then keys the SIK with K_uid).
    private PreparedKey? _kg;
    // Each user's K_uid prepared for RAKP, by user ID, for as long as the directory hands out that IpmiUser.
    private readonly PreparedUserKey?[] _userKeys = new PreparedUserKey?[64];
    // Whom RAKP 2 is computed for when the name cannot log in: a random key, looked up and prepared
    // as a user's is, so that neither the answer nor the time it takes tells such a name from a real one.
    private readonly IpmiUser _decoy;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task? _loops;
    // The batch of the receive loop running on this thread, and whose loop it is (servers of several endpoints share a process).
    [ThreadStatic] private static DatagramBatch? t_batch;
    [ThreadStatic] private static IpmiServer? t_batchOwner;
    // Open Session Requests are matched against the half-open sessions and added as one step, so that
    // a retransmission taken by another loop finds the session its original made.
    private readonly Lock _opening = new();
    private ITimer? _expiryTimer;
    private IPEndPoint? _localEndPoint;

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    public IpmiServer(IpmiServerOptions options, IpmiCommandTable commands, IIpmiUserDirectory users, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(users);
        options.Validate();
        _options = options;
        _commands = commands;
        _users = users;
        _logger = logger ?? NullLogger.Instance;
        _sessionLogger = options.SessionLogger ?? _logger;
        _time = options.TimeProvider;
        _bmc = options.Sessions ?? new BmcSessions(options.MaxSessions);
        _sessions = _bmc.Table;
        _sourceThrottle = new FailureThrottle<IPAddress>(
            new FailureThrottlePolicy(options.AuthenticationFailuresBeforeDelay, options.MaxAuthenticationDelay, options.AuthenticationFailureMemory, MaxTracked: 1024),
            _time, SourceAddress.Of);
        // The spec sends a GUID least significant byte first: the RFC 4122 byte order, reversed.
        _guid = options.SystemGuid.ToByteArray(bigEndian: true);
        Array.Reverse(_guid);
        _kg = options.Kg is { } kg && RakpCrypto.IsKgSet(kg) ? new PreparedKey(kg) : null;
        byte[] decoy = new byte[RakpCrypto.MaxKeyLength];
        RandomPool.Fill(decoy);
        _decoy = new IpmiUser(0, string.Empty, decoy, PrivilegeLevel.Callback, Enabled: false, IpmiMessagingAllowed: false);
    }

    /// <summary>The bound UDP endpoint (with the real port when 0 was asked for). Valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException("the server has not been started");

    /// <summary>Counters for diagnostics.</summary>
    public IpmiServerStatistics Statistics { get; } = new();

    /// <summary>Sessions in the BMC's table, half-open ones included (every endpoint's, when endpoints share it).</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>A snapshot of the BMC's active (authenticated) sessions, on every endpoint sharing its sessions.</summary>
    public IReadOnlyList<IpmiSessionInfo> ActiveSessions => GetActiveSessions();

    /// <summary>The sessions and payload instances this server shares with the BMC's other endpoints.</summary>
    public BmcSessions Sessions => _bmc;

    /// <summary>Binds the socket and starts the receive loop and the session expiry timer.</summary>
    /// <exception cref="IOException">The endpoint cannot be bound (in use, or not an address of this machine).</exception>
    public Task StartAsync(CancellationToken ct = default)
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("the server is already started");
        }

        var socket = new Socket(_options.EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 1 << 20;
            socket.Bind(_options.EndPoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();

            // The socket's own message ("Address already in use") does not say which address.
            throw new IOException($"cannot listen on udp {_options.EndPoint}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _localEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        TimeSpan period = _options.HalfOpenTimeout < TimeSpan.FromSeconds(2) ? _options.HalfOpenTimeout / 2 : TimeSpan.FromSeconds(1);
        _expiryTimer = _time.CreateTimer(static state => ((IpmiServer)state!).ExpireSessions(), this, period, period);
        var token = _stopping.Token;
        var loops = new Task[_options.ReceiveThreads];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Factory.StartNew(() => ReceiveLoop(token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        _loops = Task.WhenAll(loops);
        LogStarted(_logger, _localEndPoint, _options.ChannelNumber);
        return Task.CompletedTask;
    }

    /// <summary>Stops the receive loop and drops every session opened on this endpoint.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_socket is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            // Wakes a receive blocked in the kernel, which closing the socket alone does not.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // ENOTCONN on an unconnected UDP socket; the receivers are woken all the same.
        }

        _socket.Dispose();
        if (_expiryTimer is not null)
        {
            await _expiryTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_loops is not null)
        {
            await _loops.WaitAsync(ct).ConfigureAwait(false);
        }

        foreach (var s in _sessions.RemoveAll(this))
        {
            EndSol(s, "server stopping");
            s.Dispose();
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Closes an active session (on whichever endpoint it is); false when there is no such session.</summary>
    public bool CloseSession(uint sessionId)
    {
        var s = _sessions.Find(sessionId);
        if (s is null || s.State != SessionState.Active)
        {
            return false;
        }

        Close(s, "closed by request");
        return true;
    }

    /// <inheritdoc cref="ActiveSessions"/>
    public IReadOnlyList<IpmiSessionInfo> GetActiveSessions() => _bmc.Active;

    // Dedicated threads blocked in the kernel: no thread-pool hop per datagram, and handlers that
    // complete synchronously are answered from the same thread. On Linux each takes and answers
    // datagrams by the batch (DatagramBatch); elsewhere one at a time.
    private void ReceiveLoop(CancellationToken ct)
    {
        if (DatagramBatch.IsSupported)
        {
            ReceiveBatches(ct);
            return;
        }

        var socket = _socket!;
        byte[] buffer = new byte[MaxDatagram];
        var from = new SocketAddress(socket.AddressFamily);
        while (!ct.IsCancellationRequested)
        {
            int received;
            try
            {
                received = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (ct.IsCancellationRequested)
                {
                    break;
                }

                // An ICMP error reported on the socket says nothing about the next datagram.
                LogSocketError(_logger, ex.SocketErrorCode);
                continue;
            }

            Interlocked.Increment(ref Statistics.DatagramsReceivedCount);
            Handle(buffer.AsSpan(0, received), from);
        }
    }

    private void ReceiveBatches(CancellationToken ct)
    {
        SafeSocketHandle handle = _socket!.SafeHandle;
        bool added = false;
        using var batch = new DatagramBatch(_socket.AddressFamily);
        try
        {
            handle.DangerousAddRef(ref added);

            // A backstop for the wake-up at stop: the wait ends within a second to look at the token.
            _socket.ReceiveTimeout = 1000;
            t_batch = batch;
            t_batchOwner = this;
            while (!ct.IsCancellationRequested)
            {
                int count = batch.Receive(handle, out SocketError error);
                if (count < 0)
                {
                    if (ct.IsCancellationRequested || error == SocketError.OperationAborted)
                    {
                        break;
                    }

                    // An ICMP error reported on the socket says nothing about the next datagram.
                    LogSocketError(_logger, error);
                    continue;
                }

                Interlocked.Add(ref Statistics.DatagramsReceivedCount, count);
                for (int i = 0; i < count; i++)
                {
                    Handle(batch.Datagram(i), batch.From(i));
                }

                FlushAnswers(batch, handle);
            }
        }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested)
        {
            // Stopped before the loop took hold of the socket: there is nothing to receive.
        }
        finally
        {
            t_batch = null;
            t_batchOwner = null;
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private void FlushAnswers(DatagramBatch batch, SafeSocketHandle handle)
    {
        if (!batch.HasQueued)
        {
            return;
        }

        int sent = batch.Flush(handle, out int failed, out SocketError error);
        Interlocked.Add(ref Statistics.ResponsesSentCount, sent);
        if (failed > 0)
        {
            Interlocked.Add(ref Statistics.SendFailuresCount, failed);
            LogSocketError(_logger, error);
        }
    }

    private void Handle(Span<byte> datagram, SocketAddress from)
    {
        try
        {
            HandleDatagram(datagram, from);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Statistics.ReceiveLoopFaultsCount);
            LogReceiveFault(_logger, ex);
        }
    }

    private void HandleDatagram(Span<byte> datagram, SocketAddress from)
    {
        byte messageClass = RmcpHeader.ClassOf(datagram);
        if (messageClass == RmcpHeader.ClassAsf)
        {
            if (AsfMessage.TryParsePing(datagram, out byte tag))
            {
                Span<byte> pong = stackalloc byte[AsfMessage.PongLength];
                Send(pong[..AsfMessage.WritePong(pong, tag)], from);
            }
            else
            {
                Drop();
            }

            return;
        }

        if (!SessionPacketCodec.TryParse(datagram, out var packet))
        {
            Drop();
            return;
        }

        ReadOnlySpan<byte> payload = datagram.Slice(packet.PayloadOffset, packet.PayloadLength);
        if (!packet.IsV2)
        {
            // IPMI v1.5 framing is only read for the pre-session commands; v1.5 sessions do not exist here.
            if (packet.SessionId != 0)
            {
                Drop();
                return;
            }

            HandlePreSessionMessage(payload, v2: false, from);
            return;
        }

        if (packet.SessionId != 0)
        {
            HandleInSessionPacket(datagram, packet, from);
            return;
        }

        if (packet.Authenticated || packet.Encrypted)
        {
            Drop();
            return;
        }

        switch (packet.PayloadType)
        {
            case PayloadType.Ipmi:
                HandlePreSessionMessage(payload, v2: true, from);
                break;
            case PayloadType.OpenSessionRequest:
                HandleOpenSessionRequest(payload, from);
                break;
            case PayloadType.Rakp1:
                HandleRakp1(payload, from);
                break;
            case PayloadType.Rakp3:
                HandleRakp3(payload, from);
                break;
            default:
                Drop();
                break;
        }
    }

    private void Drop() => Interlocked.Increment(ref Statistics.DatagramsDroppedCount);

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        // On a receive loop's thread, answers wait for the end of its batch and go out together.
        if (t_batch is DatagramBatch batch && ReferenceEquals(t_batchOwner, this))
        {
            if (batch.TryQueue(datagram, to))
            {
                return;
            }

            FlushAnswers(batch, _socket!.SafeHandle);
            if (batch.TryQueue(datagram, to))
            {
                return;
            }
        }

        try
        {
            _socket!.SendTo(datagram, SocketFlags.None, to);
            Interlocked.Increment(ref Statistics.ResponsesSentCount);
        }
        catch (SocketException ex)
        {
            Interlocked.Increment(ref Statistics.SendFailuresCount);
            LogSocketError(_logger, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Sends a session-setup or pre-session payload in the clear, in the framing the request used.</summary>
    private void SendClear(PayloadType type, ReadOnlySpan<byte> payload, SocketAddress to)
    {
        Span<byte> packet = stackalloc byte[SessionPacketCodec.V2HeaderLength + payload.Length];
        Send(packet[..SessionPacketCodec.WriteV2Clear(packet, type, 0, 0, payload)], to);
    }

    private void SendPreSessionResponse(bool v2, in LanRequestHeader request, byte completionCode, ReadOnlySpan<byte> data, SocketAddress to)
    {
        Span<byte> message = stackalloc byte[IpmiLanMessage.ResponseLength(data.Length)];
        int length = IpmiLanMessage.WriteResponse(message, request, completionCode, data);
        if (v2)
        {
            SendClear(PayloadType.Ipmi, message[..length], to);
        }
        else
        {
            Span<byte> packet = stackalloc byte[SessionPacketCodec.V15HeaderLength + length];
            Send(packet[..SessionPacketCodec.WriteV15(packet, message[..length])], to);
        }
    }

    /// <summary>Encrypts, authenticates and sends one response on an active session, and remembers it for retransmissions (answering those that joined it too).</summary>
    private void SendSessionResponse(ServerSession session, in LanRequestHeader request, byte completionCode, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxResponseDataLength)
        {
            completionCode = CompletionCode.CannotReturnRequestedDataBytes;
            data = [];
        }

        ulong followers = session.Recent.Answered(request.RqSeq, request.NetFnLun, request.Command, completionCode, data);
        SendEncrypted(session, request, completionCode, data);
        for (; followers != 0; followers &= followers - 1)
        {
            byte rqSeq = (byte)System.Numerics.BitOperations.TrailingZeroCount(followers);
            SendEncrypted(session, request with { RqSeqLun = (byte)((rqSeq << 2) | (request.RqSeqLun & 3)) }, completionCode, data);
        }
    }

    private void SendEncrypted(ServerSession session, in LanRequestHeader request, byte completionCode, ReadOnlySpan<byte> data)
    {
        int messageLength = IpmiLanMessage.ResponseLength(data.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(messageLength + SessionPacketCodec.V2SecureMaxLength(messageLength));
        try
        {
            Span<byte> message = rented.AsSpan(0, messageLength);
            IpmiLanMessage.WriteResponse(message, request, completionCode, data);
            Span<byte> packet = rented.AsSpan(messageLength);
            var crypto = session.Crypto!;
            int length;
            lock (crypto.Sync)
            {
                if (crypto.IsDisposed)
                {
                    return; // closed while the handler ran
                }

                length = SessionPacketCodec.WriteV2Secure(packet, crypto, PayloadType.Ipmi, session.RemoteSessionId, session.NextOutboundSequence(), message);
            }

            Send(packet[..length], session.RemoteAddress);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Closes a session, which may be another endpoint's: that endpoint logs it.</summary>
    private void Close(ServerSession session, string reason)
    {
        if (_sessions.Remove(session))
        {
            session.Server.Retire(session, reason);
        }
    }

    /// <summary>Disposes a session of this endpoint already taken out of the table.</summary>
    private void Retire(ServerSession session, string reason)
    {
        EndSol(session, "session closed");
        LogSessionClosed(_sessionLogger, session.ManagedSessionId, session.UserName, reason);
        session.Dispose();
    }

    private void ExpireSessions()
    {
        try
        {
            long now = _time.GetTimestamp();
            var expired = _sessions.RemoveExpired(s => s.Server == this && (s.State == SessionState.Active
                ? _time.GetElapsedTime(s.LastActivity, now) >= _options.IdleTimeout
                : _time.GetElapsedTime(s.CreatedAt, now) >= _options.HalfOpenTimeout));
            if (expired is not null)
            {
                foreach (var s in expired)
                {
                    if (s.State == SessionState.Rakp2Sent && !s.FailureCounted)
                    {
                        // A name was offered but never proven: that counts against it.
                        RecordAuthenticationFailure(s, "RAKP 3 never arrived");
                    }

                    LogSessionClosed(_sessionLogger, s.ManagedSessionId, s.UserName, s.State == SessionState.Active ? "idle timeout" : "setup timeout");
                    EndSol(s, "idle timeout");
                    s.Dispose();
                }
            }

            _sourceThrottle.Prune();
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Statistics.ReceiveLoopFaultsCount);
            LogReceiveFault(_logger, ex);
        }
    }

    private void RecordAuthenticationFailure(ServerSession session, string reason)
    {
        if (!session.TryCountFailure())
        {
            return;
        }

        Interlocked.Increment(ref Statistics.AuthenticationFailuresCount);
        _sourceThrottle.Failure(session.RemoteEndPoint.Address);
        if (!session.WasLockedOut)
        {
            // Attempts against a locked account were never checked; counting them would stretch the lockout.
            _users.RecordAuthenticationFailure(session.UserName, session.RemoteEndPoint.Address);
        }

        LogAuthenticationFailed(_logger, session.UserName, session.RemoteEndPoint, reason);
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private static IPEndPoint ToEndPoint(SocketAddress address) =>
        (IPEndPoint)new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(address);

    [LoggerMessage(Level = LogLevel.Information, Message = "IPMI LAN server listening on {EndPoint} as channel {Channel}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint endPoint, byte channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IPMI socket error {Error}")]
    private static partial void LogSocketError(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "IPMI receive loop caught an exception; the datagram was dropped")]
    private static partial void LogReceiveFault(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "IPMI session {SessionId:X8} for user '{User}' opened from {Remote} with cipher suite {Suite} at {Privilege}")]
    private static partial void LogSessionOpened(ILogger logger, uint sessionId, string user, IPEndPoint remote, CipherSuiteId suite, PrivilegeLevel privilege);

    [LoggerMessage(Level = LogLevel.Information, Message = "IPMI session {SessionId:X8} for user '{User}' closed: {Reason}")]
    private static partial void LogSessionClosed(ILogger logger, uint sessionId, string user, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IPMI authentication failed for user '{User}' from {Remote}: {Reason}")]
    private static partial void LogAuthenticationFailed(ILogger logger, string user, IPEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "IPMI Open Session from {Remote} refused: {Status}")]
    private static partial void LogSessionRefused(ILogger logger, IPEndPoint remote, RmcpPlusStatus status);
}
