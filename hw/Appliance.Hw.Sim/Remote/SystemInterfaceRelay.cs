using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Appliance.Hw.Remote;

namespace Appliance.Hw.Sim.Remote;

/// <summary>
/// The board's wiring between the host's system interface and its BMC: what KCS is on a real board.
/// The host side is a Unix socket standing for the host's /dev/ipmi0: each request is a little-endian
/// u32 length and a KCS message (NetFn&lt;&lt;2|LUN, Cmd, data), answered with a length and the response
/// (NetFn&lt;&lt;2|LUN, Cmd, completion code, data), one request in flight per connection. The BMC side is
/// a board-protocol connection that attached with <see cref="BoardProtocol.SystemInterface"/>; the relay
/// hands it each request with a sequence number and hands the matching response back. A request that
/// no BMC answers in time (none attached, or a hung one) gets what Linux's IPMI driver gives a request
/// that timed out: the response NetFn and command with completion code C3h.
/// </summary>
public sealed class SystemInterfaceRelay : IAsyncDisposable
{
    /// <summary>The largest KCS message Linux's IPMI driver passes (IPMI_MAX_MSG_LENGTH).</summary>
    public const int MaxMessage = 272;

    public const byte TimeoutCompletionCode = 0xC3;

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<byte[]>> _pending = new();
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private Stream? _responder;
    private uint _sequence;

    public SystemInterfaceRelay(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        Timeout = timeout ?? TimeSpan.FromSeconds(5);
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _accepting = Task.Run(AcceptAsync);
    }

    public string SocketPath { get; }

    /// <summary>How long a host request waits for the BMC's answer.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether a BMC is attached as the system interface's responder.</summary>
    public bool HasResponder
    {
        get
        {
            lock (_lock)
            {
                return _responder is not null;
            }
        }
    }

    /// <summary>
    /// Makes a BMC's board-protocol connection the responder, before the BMC hears that it is: a newer
    /// attachment replaces an older one (a restarted BMC whose old connection has not yet been noticed as gone).
    /// </summary>
    public void Attach(Stream bmc)
    {
        Stream? previous;
        lock (_lock)
        {
            previous = _responder;
            _responder = bmc;
        }

        previous?.Dispose();
    }

    /// <summary>Reads the attached BMC's responses until its connection ends.</summary>
    public async Task ServeResponderAsync(Stream bmc, CancellationToken ct)
    {
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
            while (await BoardProtocol.ReadFrameAsync(bmc, linked.Token).ConfigureAwait(false) is var (code, payload))
            {
                // A response names its request's sequence; anything else on this connection is ignored.
                if (code == BoardProtocol.SystemInterface && payload.Length >= 4 + 3
                    && _pending.TryRemove(BinaryPrimitives.ReadUInt32LittleEndian(payload), out TaskCompletionSource<byte[]>? waiting))
                {
                    waiting.TrySetResult(payload[4..]);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            // The BMC went away; requests it did not answer time out.
        }
        finally
        {
            lock (_lock)
            {
                if (_responder == bmc)
                {
                    _responder = null;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        File.Delete(SocketPath);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket host;
            try
            {
                host = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeHostAsync(host));
        }
    }

    private async Task ServeHostAsync(Socket host)
    {
        await using var stream = new NetworkStream(host, ownsSocket: true);
        byte[] header = new byte[4];
        try
        {
            while (true)
            {
                if (!await ReadOrEndAsync(stream, header).ConfigureAwait(false))
                {
                    return;
                }

                // Shorter than NetFn and Cmd, or longer than the driver takes: the driver would refuse it, so the connection ends.
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
                if (length is < 2 or > MaxMessage)
                {
                    return;
                }

                byte[] request = new byte[length];
                await stream.ReadExactlyAsync(request, _stop.Token).ConfigureAwait(false);
                byte[] response = await RelayAsync(request).ConfigureAwait(false);
                byte[] frame = new byte[4 + response.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)response.Length);
                response.CopyTo(frame, 4);
                await stream.WriteAsync(frame, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The host closed its device, or the board is stopping.
        }
    }

    private async Task<byte[]> RelayAsync(byte[] request)
    {
        uint sequence = Interlocked.Increment(ref _sequence);
        var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[sequence] = answer;
        try
        {
            Stream? bmc;
            lock (_lock)
            {
                bmc = _responder;
            }

            if (bmc is not null)
            {
                byte[] payload = new byte[4 + request.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(payload, sequence);
                request.CopyTo(payload, 4);
                try
                {
                    // Several hosts' requests may be under way at once; their frames must not interleave.
                    lock (bmc)
                    {
                        BoardProtocol.WriteFrame(bmc, BoardProtocol.SystemInterface, payload);
                    }
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    // A dead BMC answers nothing: the request times out like the rest.
                }
            }

            try
            {
                return await answer.Task.WaitAsync(Timeout, _stop.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return [(byte)(request[0] | 0x04), request[1], TimeoutCompletionCode];   // NetFn | 1: the response's
            }
        }
        finally
        {
            _pending.TryRemove(sequence, out _);
        }
    }

    private async Task<bool> ReadOrEndAsync(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("system interface request cut short");
            }

            read += n;
        }

        return true;
    }
}
