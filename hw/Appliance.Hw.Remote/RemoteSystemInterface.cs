using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Appliance.Hw.SystemInterface;

namespace Appliance.Hw.Remote;

/// <summary>
/// The host's system interface of a simulated board (appliance-board-sim serve --system-interface):
/// a connection of its own that attaches as the responder (<see cref="BoardProtocol.SystemInterface"/>)
/// and then carries the host's requests in and the responses out. When the board goes away or
/// restarts, the connection is made and attached again, once a second, for as long as this lives.
/// Attaching starts with the first wait for a request, as <see cref="KcsBmcDevice"/> opens its device
/// then: whoever listens to <see cref="StateChanged"/> has subscribed by that time and hears of it.
/// </summary>
public sealed class RemoteSystemInterface : ISystemInterfaceDevice
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private readonly string _socketPath;
    private readonly Channel<SystemInterfaceRequest> _requests = Channel.CreateUnbounded<SystemInterfaceRequest>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _attaching;
    private NetworkStream? _stream;
    private long _attachment;
    private (bool, string)? _state;

    public RemoteSystemInterface(string socketPath)
    {
        _socketPath = socketPath;
    }

    public string Description => $"the simulated board's system interface (board socket {_socketPath})";

    public event Action<bool, string>? StateChanged;

    public ValueTask<SystemInterfaceRequest> ReceiveAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _attaching) is null)
        {
            lock (_lock)
            {
                _attaching ??= _stop.IsCancellationRequested ? Task.CompletedTask : Task.Run(AttachLoopAsync);
            }
        }

        return _requests.Reader.ReadAsync(ct);
    }

    public ValueTask RespondAsync(SystemInterfaceRequest request, ReadOnlyMemory<byte> response, CancellationToken ct)
    {
        byte[] payload = new byte[4 + response.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, request.Tag);
        response.CopyTo(payload.AsMemory(4));
        NetworkStream? stream;
        lock (_lock)
        {
            // A request from an earlier attachment: its board (and sequence numbers) may be gone.
            stream = request.Attachment == _attachment ? _stream : null;
        }

        if (stream is null)
        {
            return ValueTask.CompletedTask;
        }

        try
        {
            // Several responses may be ready at once; their frames must not interleave.
            lock (stream)
            {
                BoardProtocol.WriteFrame(stream, BoardProtocol.SystemInterface, payload);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The board went away: the reader notices and attaches again; the host's request times out.
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task attaching;
        lock (_lock)
        {
            _stream?.Dispose();
            attaching = _attaching ??= Task.CompletedTask;
        }

        try
        {
            await attaching.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _requests.Writer.TryComplete();
        _stop.Dispose();
    }

    private async Task AttachLoopAsync()
    {
        CancellationToken ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await AttachAndServeAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
            {
                Report(false, $"cannot reach the board at {_socketPath}: {e.Message}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(Retry, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AttachAndServeAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        NetworkStream stream;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), ct).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        await using (stream.ConfigureAwait(false))
        {
            await BoardProtocol.WriteFrameAsync(stream, BoardProtocol.SystemInterface, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
            if (await BoardProtocol.ReadFrameAsync(stream, ct).ConfigureAwait(false) is not var (status, reply))
            {
                throw new IOException("the board closed the connection");
            }

            if (status != BoardProtocol.Ok)
            {
                Report(false, Encoding.UTF8.GetString(reply));
                return;
            }

            long attachment;
            lock (_lock)
            {
                _stream = stream;
                attachment = ++_attachment;
            }

            Report(true, "attached");
            try
            {
                while (await BoardProtocol.ReadFrameAsync(stream, ct).ConfigureAwait(false) is var (code, payload))
                {
                    // A host request: sequence number, then the message (at least NetFn/LUN and Cmd).
                    if (code == BoardProtocol.SystemInterface && payload.Length >= 4 + 2)
                    {
                        _requests.Writer.TryWrite(new SystemInterfaceRequest(payload[4..], BinaryPrimitives.ReadUInt32LittleEndian(payload), attachment));
                    }
                }

                Report(false, "the board closed the connection");
            }
            finally
            {
                lock (_lock)
                {
                    if (_stream == stream)
                    {
                        _stream = null;
                    }
                }
            }
        }
    }

    private void Report(bool attached, string reason)
    {
        lock (_lock)
        {
            if (_state == (attached, reason))
            {
                return;
            }

            _state = (attached, reason);
        }

        StateChanged?.Invoke(attached, reason);
    }
}
