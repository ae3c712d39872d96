using System.Buffers.Binary;
using System.Device.Gpio;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Hw.Boards;
using Appliance.Hw.Remote;

namespace Appliance.Hw.Sim.Remote;

/// <summary>Serves a <see cref="SimBoard"/> on a Unix socket, so BMC processes can come and go while the board keeps running.</summary>
public sealed class BoardServer : IAsyncDisposable
{
    private readonly SimBoard _board;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly SimGpioDriver _watcher;
    private readonly List<Stream> _subscribers = [];
    private readonly Lock _subscribersLock = new();
    private readonly Task _accepting;

    private readonly SystemInterfaceRelay? _systemInterface;

    public BoardServer(SimBoard board, string socketPath, SystemInterfaceRelay? systemInterface = null)
    {
        _board = board;
        _systemInterface = systemInterface;
        SocketPath = socketPath;
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);

        // One driver of our own watches every line and forwards edges to subscribers.
        _watcher = new SimGpioDriver(board);
        var controller = new GpioController(_watcher);
        foreach (GpioLineDescription line in board.Description.Gpio.Lines)
        {
            int pin = line.Offset!.Value;
            controller.OpenPin(pin, PinMode.Input);
            controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => Forward(e.PinNumber, e.ChangeType));
        }

        _accepting = Task.Run(AcceptAsync);
    }

    public string SocketPath { get; }

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

        lock (_subscribersLock)
        {
            foreach (Stream s in _subscribers)
            {
                s.Dispose();
            }
        }

        _watcher.Dispose();
        File.Delete(SocketPath);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            while (await BoardProtocol.ReadFrameAsync(stream, _stop.Token).ConfigureAwait(false) is var (op, payload))
            {
                if (op == BoardProtocol.Subscribe)
                {
                    lock (_subscribersLock)
                    {
                        _subscribers.Add(stream);
                    }

                    await BoardProtocol.WriteFrameAsync(stream, BoardProtocol.Ok, ReadOnlyMemory<byte>.Empty, _stop.Token).ConfigureAwait(false);
                    return; // the connection now belongs to the event stream
                }

                if (op == BoardProtocol.SystemInterface && _systemInterface is not null)
                {
                    _systemInterface.Attach(stream);
                    await BoardProtocol.WriteFrameAsync(stream, BoardProtocol.Ok, ReadOnlyMemory<byte>.Empty, _stop.Token).ConfigureAwait(false);
                    await _systemInterface.ServeResponderAsync(stream, _stop.Token).ConfigureAwait(false);
                    break; // the connection belonged to the system interface until it ended
                }

                if (op == BoardProtocol.SerialConsole)
                {
                    await ServeSerialConsoleAsync(stream).ConfigureAwait(false);
                    break; // the connection belonged to the serial console until it ended
                }

                (byte status, byte[] reply) = await HandleAsync(op, payload).ConfigureAwait(false);
                await BoardProtocol.WriteFrameAsync(stream, status, reply, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            // The client went away or spoke nonsense; its connection ends, the board carries on.
        }

        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeSerialConsoleAsync(Stream stream)
    {
        await BoardProtocol.WriteFrameAsync(stream, BoardProtocol.Ok, ReadOnlyMemory<byte>.Empty, _stop.Token).ConfigureAwait(false);
        using IDisposable attachment = _board.SerialPort.Attach(output =>
        {
            byte[] frame = new byte[1 + output.Length];
            output.Span.CopyTo(frame.AsSpan(1));
            lock (stream)
            {
                BoardProtocol.WriteFrame(stream, BoardProtocol.SerialConsole, frame);
            }
        });
        while (await BoardProtocol.ReadFrameAsync(stream, _stop.Token).ConfigureAwait(false) is var (code, payload))
        {
            if (code != BoardProtocol.SerialConsole || payload.Length == 0)
            {
                continue;
            }

            if (payload[0] == BoardProtocol.SerialData)
            {
                _board.SerialPort.FromBmc(payload.AsSpan(1));
            }
            else if (payload[0] == BoardProtocol.SerialBreak)
            {
                _board.SerialPort.Break();
            }
        }
    }

    private async Task<(byte, byte[])> HandleAsync(byte op, byte[] p)
    {
        try
        {
            switch (op)
            {
                case BoardProtocol.GpioRead:
                    return (BoardProtocol.Ok, [(byte)(_board.ReadPin(BinaryPrimitives.ReadUInt16LittleEndian(p)) == PinValue.High ? 1 : 0)]);
                case BoardProtocol.GpioWrite:
                    _board.WritePin(BinaryPrimitives.ReadUInt16LittleEndian(p), p[2] != 0 ? PinValue.High : PinValue.Low);
                    return (BoardProtocol.Ok, []);
                case BoardProtocol.I2cWrite:
                    _board.I2cWrite(p[0], p[1], p.AsSpan(2));
                    return (BoardProtocol.Ok, []);
                case BoardProtocol.I2cRead:
                {
                    byte[] data = new byte[BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(2))];
                    _board.I2cRead(p[0], p[1], data);
                    return (BoardProtocol.Ok, data);
                }

                case BoardProtocol.I2cWriteRead:
                {
                    int writeLength = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(2));
                    byte[] data = new byte[BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(4 + writeLength))];
                    _board.I2cWriteRead(p[0], p[1], p.AsSpan(4, writeLength), data);
                    return (BoardProtocol.Ok, data);
                }

                case BoardProtocol.Control:
                    SimControlRequest request = JsonSerializer.Deserialize(p, SimControlJson.Default.SimControlRequest)
                        ?? throw new ArgumentException("empty control request");
                    SimControlResponse response = await SimControlHandler.HandleAsync(_board, request).ConfigureAwait(false);
                    return (BoardProtocol.Ok, JsonSerializer.SerializeToUtf8Bytes(response, SimControlJson.Default.SimControlResponse));
                case BoardProtocol.SystemInterface:
                    return (BoardProtocol.BadRequest, "this board has no system interface (appliance-board-sim serve --system-interface PATH)"u8.ToArray());
                default:
                    return (BoardProtocol.BadRequest, System.Text.Encoding.UTF8.GetBytes($"unknown operation {op}"));
            }
        }
        catch (IOException e)
        {
            return (BoardProtocol.NoAcknowledge, System.Text.Encoding.UTF8.GetBytes(e.Message));
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (BoardProtocol.BadRequest, System.Text.Encoding.UTF8.GetBytes(e.Message));
        }
    }

    private void Forward(int pin, PinEventTypes change)
    {
        byte[] payload = new byte[3];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)pin);
        payload[2] = change == PinEventTypes.Rising ? (byte)1 : (byte)2;
        Stream[] targets;
        lock (_subscribersLock)
        {
            targets = [.. _subscribers];
        }

        foreach (Stream target in targets)
        {
            try
            {
                lock (target)
                {
                    BoardProtocol.WriteFrame(target, BoardProtocol.Ok, payload);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                lock (_subscribersLock)
                {
                    _subscribers.Remove(target);
                }
            }
        }
    }
}
