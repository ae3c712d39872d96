using System.Net.Sockets;
using System.Text;

namespace Appliance.Hw.Remote;

/// <summary>The host's serial console on a simulated board in another process, over a connection of its own (board protocol op 9).</summary>
public sealed class RemoteHostSerialPort(string socketPath) : IHostSerialPort
{
    private readonly Lock _writeLock = new();
    private NetworkStream? _stream;
    private Thread? _reader;

    public void Open(Action<ReadOnlyMemory<byte>> received)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        BoardProtocol.WriteFrame(stream, BoardProtocol.SerialConsole, []);
        (byte status, byte[] reply) = BoardProtocol.ReadFrame(stream);
        if (status != BoardProtocol.Ok)
        {
            stream.Dispose();
            throw new IOException("the simulated board gives no serial console: " + Encoding.UTF8.GetString(reply));
        }

        _stream = stream;
        _reader = new Thread(() => Read(stream, received)) { IsBackground = true, Name = "host serial console" };
        _reader.Start();
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        byte[] frame = new byte[1 + data.Length];
        frame[0] = BoardProtocol.SerialData;
        data.CopyTo(frame.AsSpan(1));
        Send(frame);
    }

    public void SendBreak() => Send([BoardProtocol.SerialBreak]);

    public void Dispose()
    {
        _stream?.Dispose();
    }

    private void Send(byte[] frame)
    {
        try
        {
            lock (_writeLock)
            {
                if (_stream is not null)
                {
                    BoardProtocol.WriteFrame(_stream, BoardProtocol.SerialConsole, frame);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The board went away: what was typed is lost, as on a cut serial line.
        }
    }

    private static void Read(NetworkStream stream, Action<ReadOnlyMemory<byte>> received)
    {
        try
        {
            while (true)
            {
                (byte code, byte[] payload) = BoardProtocol.ReadFrame(stream);
                if (code == BoardProtocol.SerialConsole && payload.Length > 1 && payload[0] == BoardProtocol.SerialData)
                {
                    received(payload.AsMemory(1));
                }
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or InvalidDataException)
        {
            // The board went away or the port was closed.
        }
    }
}
