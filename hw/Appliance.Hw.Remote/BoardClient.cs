using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Appliance.Hw.Remote;

/// <summary>
/// A connection to a simulated board process. Requests are serialised on one connection; a
/// failure to reach the board surfaces as an IOException, as a bus error would on a real board.
/// </summary>
public sealed class BoardClient : IDisposable
{
    private readonly string _socketPath;
    private readonly Lock _lock = new();
    private NetworkStream? _stream;

    public BoardClient(string socketPath) => _socketPath = socketPath;

    public byte[] Call(byte op, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    _stream ??= Connect(_socketPath);
                    BoardProtocol.WriteFrame(_stream, op, payload);
                    (byte status, byte[] reply) = BoardProtocol.ReadFrame(_stream);
                    return status switch
                    {
                        BoardProtocol.Ok => reply,
                        BoardProtocol.NoAcknowledge => throw new IOException(Encoding.UTF8.GetString(reply)),
                        _ => throw new InvalidOperationException("simulated board refused the request: " + Encoding.UTF8.GetString(reply)),
                    };
                }
                catch (Exception e) when (e is SocketException or EndOfStreamException || (e is IOException && e.InnerException is SocketException))
                {
                    _stream?.Dispose();
                    _stream = null;
                    if (attempt >= 1)
                    {
                        throw new IOException($"cannot reach the simulated board at {_socketPath}: {e.Message}", e);
                    }
                }
            }
        }
    }

    /// <summary>Opens a separate connection that delivers GPIO edges (pin, rising) until disposed.</summary>
    public IDisposable SubscribeEdges(Action<int, bool> edge)
    {
        NetworkStream events = Connect(_socketPath);
        BoardProtocol.WriteFrame(events, BoardProtocol.Subscribe, []);
        BoardProtocol.ReadFrame(events);
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            try
            {
                while (await BoardProtocol.ReadFrameAsync(events, stop.Token).ConfigureAwait(false) is var (_, payload))
                {
                    edge(BinaryPrimitives.ReadUInt16LittleEndian(payload), payload[2] == 1);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                // The board went away or the subscription ended.
            }
        });
        return new Subscription(() =>
        {
            stop.Cancel();
            events.Dispose();
        });
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private static NetworkStream Connect(string path) => BoardEndpoint.Connect(path);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
