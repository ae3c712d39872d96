using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>A blocking libvirt data stream (virStreamPtr), used here for guest consoles. Its data travels as
/// STREAM packets carrying the serial of the call that opened it.</summary>
public sealed class LibvirtStream : IDisposable
{
    /// <summary>Data per STREAM packet: libvirt's own chunk size, well under the packet limit.</summary>
    private const int ChunkSize = 256 * 1024;

    private readonly LibvirtConnection _connection;
    private readonly RpcStream _incoming = new();
    private RemoteProcedure _procedure;
    private uint _serial;
    private int _state; // 0 new, 1 open, 2 finished or aborted

    internal LibvirtStream(LibvirtConnection connection) => _connection = connection;

    /// <summary>Opens the stream with <paramref name="call"/>, made with the serial the stream will carry.
    /// The stream listens before the call goes out: data may follow the reply at once.</summary>
    internal void Open(RemoteProcedure procedure, Action<uint> call)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new LibvirtException("virStreamNew", LibvirtErrorCode.InvalidStream, ErrorDomains.None, "invalid stream pointer: the stream is already in use");
        uint serial = _connection.Rpc.NextSerial();
        _procedure = procedure;
        _serial = serial;
        _connection.Rpc.AddStream(serial, _incoming);
        try
        {
            call(serial);
        }
        catch
        {
            _connection.Rpc.RemoveStream(serial);
            Volatile.Write(ref _state, 2);
            throw;
        }
    }

    /// <summary>Blocks until data arrives; returns 0 at end of stream (also once aborted).</summary>
    public int Receive(Span<byte> buffer)
    {
        if (Volatile.Read(ref _state) == 0) throw NotOpen("virStreamRecv");
        return _incoming.Receive(buffer);
    }

    public void Send(ReadOnlySpan<byte> data)
    {
        if (Volatile.Read(ref _state) != 1) throw NotOpen("virStreamSend");
        while (!data.IsEmpty)
        {
            int n = Math.Min(ChunkSize, data.Length);
            _connection.Rpc.SendStream(_procedure, _serial, MessageStatus.Continue, data[..n], "virStreamSend");
            data = data[n..];
        }
    }

    /// <summary>Tells the daemon no more data follows and waits for it to close its side.</summary>
    public void Finish()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1) throw NotOpen("virStreamFinish");
        try
        {
            _connection.Rpc.SendStream(_procedure, _serial, MessageStatus.Ok, [], "virStreamFinish");
            _incoming.WaitForEnd();
        }
        finally
        {
            _connection.Rpc.RemoveStream(_serial);
        }
    }

    /// <summary>Ends the stream without flushing; safe to call on a stream that already failed. A thread
    /// blocked in <see cref="Receive"/> returns 0.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1) return;
        _connection.Rpc.RemoveStream(_serial);
        _incoming.End();
        try
        {
            _connection.Rpc.SendStream(_procedure, _serial, MessageStatus.Error, [], "virStreamAbort");
        }
        catch (LibvirtException)
        {
            // The connection is gone, and the stream with it.
        }
    }

    public void Dispose() => Abort();

    private static LibvirtException NotOpen(string operation) =>
        new(operation, LibvirtErrorCode.InvalidStream, ErrorDomains.None, "invalid stream pointer: the stream is not open");
}
