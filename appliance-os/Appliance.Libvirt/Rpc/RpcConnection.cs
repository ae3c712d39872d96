using System.Buffers.Binary;
using System.Net.Sockets;

namespace Appliance.Libvirt.Rpc;

/// <summary>
/// One socket to a libvirt daemon speaking its RPC protocol. Any number of threads call at once: each call
/// gets a serial and waits for the reply carrying it. One reader thread per connection takes every packet
/// off the socket and hands it on: replies to their callers, events to <see cref="EventReceived"/>, stream
/// data to its stream, keepalive pings answered with pongs.
/// </summary>
internal sealed class RpcConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Lock _sendGate = new();
    private readonly Lock _stateGate = new();
    private readonly Dictionary<uint, PendingCall> _pending = [];
    private readonly Dictionary<uint, RpcStream> _streams = [];
    private readonly Keepalive _keepalive;
    private readonly Thread _reader;
    private uint _serial;
    private ConnectionFailure? _failure;

    private RpcConnection(Socket socket, string socketPath)
    {
        _socket = socket;
        _keepalive = new Keepalive(this);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"libvirt-rpc {socketPath}" };
        _reader.Start();
    }

    /// <summary>Raised on the reader thread for every MESSAGE packet of the remote program (domain events).
    /// It must not call back into the connection and wait: the reply would never be read.</summary>
    public Action<RemoteProcedure, XdrReader>? EventReceived { get; set; }

    public bool IsOpen => Volatile.Read(ref _failure) is null;

    public Keepalive Keepalive => _keepalive;

    public static RpcConnection Connect(string socketPath, string operation)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new LibvirtException(operation, LibvirtErrorCode.SystemError, ErrorDomains.Rpc,
                $"Failed to connect socket to '{socketPath}': {e.Message}");
        }
        return new RpcConnection(socket, socketPath);
    }

    public uint NextSerial() => Interlocked.Increment(ref _serial);

    public T Call<T>(RemoteProcedure procedure, Action<XdrWriter>? writeArgs, Func<XdrReader, T> readReply, string operation, uint serial = 0)
    {
        if (serial == 0) serial = NextSerial();
        var call = new PendingCall();
        lock (_stateGate)
        {
            if (_failure is not null) throw ConnectionFailure.SocketClosed.For(operation);
            _pending[serial] = call;
        }
        try
        {
            Send(new PacketHeader(RpcPrograms.Remote, RpcPrograms.RemoteVersion, (int)procedure, MessageType.Call, serial, MessageStatus.Ok), writeArgs, operation);
        }
        catch
        {
            lock (_stateGate) _pending.Remove(serial);
            throw;
        }
        return call.Wait(readReply, operation);
    }

    public void Call(RemoteProcedure procedure, Action<XdrWriter>? writeArgs, string operation, uint serial = 0) =>
        Call<bool>(procedure, writeArgs, _ => true, operation, serial);

    public void AddStream(uint serial, RpcStream stream)
    {
        lock (_stateGate)
        {
            if (_failure is { } failure) stream.Fail(failure);
            else _streams[serial] = stream;
        }
    }

    public void RemoveStream(uint serial)
    {
        lock (_stateGate) _streams.Remove(serial);
    }

    /// <summary>A STREAM packet from this side: data (CONTINUE), the end (OK) or an abort (ERROR).</summary>
    public void SendStream(RemoteProcedure procedure, uint serial, MessageStatus status, ReadOnlySpan<byte> data, string operation)
    {
        var writer = Packet(new PacketHeader(RpcPrograms.Remote, RpcPrograms.RemoteVersion, (int)procedure, MessageType.Stream, serial, status));
        writer.WriteRaw(data);
        Transmit(writer, operation);
    }

    internal void SendKeepalive(int procedure) =>
        Send(new PacketHeader(RpcPrograms.Keepalive, RpcPrograms.KeepaliveVersion, procedure, MessageType.Message, 0, MessageStatus.Ok), null, "keepalive");

    private void Send(PacketHeader header, Action<XdrWriter>? writeBody, string operation)
    {
        var writer = Packet(header);
        writeBody?.Invoke(writer);
        Transmit(writer, operation);
    }

    private static XdrWriter Packet(PacketHeader header)
    {
        var writer = new XdrWriter();
        writer.WriteUInt(0); // the length, patched once the body is written
        header.Write(writer);
        return writer;
    }

    private void Transmit(XdrWriter writer, string operation)
    {
        if (writer.Length > PacketHeader.MaxPacket)
            throw new LibvirtException(operation, LibvirtErrorCode.Rpc, ErrorDomains.Rpc,
                $"Unable to encode message payload: {writer.Length} bytes exceed the protocol's limit of {PacketHeader.MaxPacket}");
        writer.PatchUInt(0, (uint)writer.Length);
        lock (_sendGate)
        {
            if (_failure is not null) throw ConnectionFailure.SocketClosed.For(operation);
            try
            {
                var data = writer.Written;
                while (!data.IsEmpty) data = data[_socket.Send(data)..];
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                var failure = new ConnectionFailure(LibvirtErrorCode.SystemError, ErrorDomains.Rpc, $"Cannot write data: {e.Message}");
                Close(failure);
                throw failure.For(operation);
            }
        }
    }

    private void ReadLoop()
    {
        var lengthWord = new byte[4];
        try
        {
            while (true)
            {
                if (!ReadExactly(lengthWord)) break;
                uint length = BinaryPrimitives.ReadUInt32BigEndian(lengthWord);
                if (length < PacketHeader.Size || length > PacketHeader.MaxPacket)
                {
                    Close(new ConnectionFailure(LibvirtErrorCode.Rpc, ErrorDomains.Rpc, $"packet {length} bytes received from server too large or too small"));
                    return;
                }
                var packet = new byte[length - 4];
                if (!ReadExactly(packet)) break;
                _keepalive.Received();
                Dispatch(packet);
            }
            Close(new ConnectionFailure(LibvirtErrorCode.SystemError, ErrorDomains.Rpc, "End of file while reading data: Input/output error"));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close(new ConnectionFailure(LibvirtErrorCode.SystemError, ErrorDomains.Rpc, $"Cannot recv data: {e.Message}"));
        }
        catch (LibvirtException e)
        {
            Close(new ConnectionFailure(e.Code, e.ErrorDomain, e.LibvirtMessage));
        }
        catch (Exception e)
        {
            // An exception escaping this thread would end the process; the connection ends instead.
            Close(new ConnectionFailure(LibvirtErrorCode.InternalError, ErrorDomains.Rpc, $"internal error: reading from the daemon failed: {e.Message}"));
        }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = _socket.Receive(buffer);
            if (n == 0) return false;
            buffer = buffer[n..];
        }
        return true;
    }

    private void Dispatch(byte[] packet)
    {
        var header = PacketHeader.Read(new XdrReader(packet, 0, PacketHeader.Size - 4));
        var body = new XdrReader(packet, PacketHeader.Size - 4, packet.Length - (PacketHeader.Size - 4));
        if (header.Program == RpcPrograms.Keepalive)
        {
            // Answered off the reader thread: a send may block, and the reader must keep reading meanwhile.
            if (header.Procedure == RpcPrograms.KeepalivePing)
                ThreadPool.UnsafeQueueUserWorkItem(static c => c.TrySendPong(), this, preferLocal: false);
            return;
        }
        if (header.Program != RpcPrograms.Remote) return;
        switch (header.Type)
        {
            case MessageType.Reply or MessageType.ReplyWithFds:
                PendingCall? call;
                RpcStream? stream = null;
                lock (_stateGate)
                {
                    if (!_pending.Remove(header.Serial, out call)) _streams.TryGetValue(header.Serial, out stream);
                }
                if (call is not null) call.Complete(header.Status, packet);
                // The reply to a stream's finish or abort ends that stream.
                else stream?.Deliver(header.Status == MessageStatus.Error ? MessageStatus.Error : MessageStatus.Ok, body);
                break;
            case MessageType.Message:
                EventReceived?.Invoke((RemoteProcedure)header.Procedure, body);
                break;
            case MessageType.Stream:
                RpcStream? target;
                lock (_stateGate) _streams.TryGetValue(header.Serial, out target);
                target?.Deliver(header.Status, body);
                break;
        }
    }

    private void TrySendPong()
    {
        try { SendKeepalive(RpcPrograms.KeepalivePong); }
        catch (LibvirtException) { } // the connection is gone; the reader reports that
    }

    /// <summary>Ends the connection for good: every waiting call and stream fails with <paramref name="failure"/>,
    /// later calls with "client socket is closed".</summary>
    public void Close(ConnectionFailure failure)
    {
        List<PendingCall> calls;
        List<RpcStream> streams;
        lock (_stateGate)
        {
            if (_failure is not null) return;
            Volatile.Write(ref _failure, failure);
            calls = [.. _pending.Values];
            streams = [.. _streams.Values];
            _pending.Clear();
            _streams.Clear();
        }
        _keepalive.Stop();
        // shutdown() wakes the reader blocked in recv(); closing the descriptor alone would not.
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _socket.Dispose();
        foreach (var call in calls) call.Fail(failure);
        foreach (var stream in streams) stream.Fail(failure);
    }

    public void Dispose() => Close(ConnectionFailure.SocketClosed);
}
