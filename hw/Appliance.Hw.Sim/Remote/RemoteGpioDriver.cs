using System.Buffers.Binary;
using System.Device.Gpio;

namespace Appliance.Hw.Sim.Remote;

/// <summary>A GpioDriver whose lines are on a simulated board in another process; edges arrive on an event connection.</summary>
public sealed class RemoteGpioDriver : GpioDriver
{
    private readonly BoardClient _client;
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly Lock _lock = new();
    private IDisposable? _events;

    public RemoteGpioDriver(BoardClient client) => _client = client;

    protected override int PinCount => 1024;

    protected override void OpenPin(int pinNumber)
    {
        lock (_lock)
        {
            _modes.TryAdd(pinNumber, PinMode.Input);
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_lock)
        {
            _modes.Remove(pinNumber);
            _callbacks.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            _modes[pinNumber] = mode;
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        SetPinMode(pinNumber, mode);
        if (mode == PinMode.Output)
        {
            Write(pinNumber, initialValue);
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
        {
            return _modes.TryGetValue(pinNumber, out PinMode mode) ? mode : PinMode.Input;
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber)
    {
        byte[] request = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(request, (ushort)pinNumber);
        return _client.Call(BoardProtocol.GpioRead, request)[0] != 0 ? PinValue.High : PinValue.Low;
    }

    protected override void Toggle(int pinNumber) => Write(pinNumber, !Read(pinNumber));

    protected override void Write(int pinNumber, PinValue value)
    {
        byte[] request = new byte[3];
        BinaryPrimitives.WriteUInt16LittleEndian(request, (ushort)pinNumber);
        request[2] = value == PinValue.High ? (byte)1 : (byte)0;
        _client.Call(BoardProtocol.GpioWrite, request);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var happened = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        PinChangeEventHandler handler = (_, e) =>
        {
            seen = e.ChangeType;
            happened.Set();
        };
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            happened.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            _events ??= _client.SubscribeEdges(Raise);
            if (!_callbacks.TryGetValue(pinNumber, out var list))
            {
                _callbacks[pinNumber] = list = [];
            }

            list.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            if (_callbacks.TryGetValue(pinNumber, out var list))
            {
                list.RemoveAll(c => c.Handler == callback);
            }
        }
    }

    public override GpioChipInfo GetChipInfo() => new(0, "remote-sim-gpiochip0", "simulated board", PinCount);

    protected override void Dispose(bool disposing)
    {
        lock (_lock)
        {
            _events?.Dispose();
            _events = null;
        }

        base.Dispose(disposing);
    }

    private void Raise(int pin, bool rising)
    {
        PinEventTypes change = rising ? PinEventTypes.Rising : PinEventTypes.Falling;
        (PinEventTypes Types, PinChangeEventHandler Handler)[] targets;
        lock (_lock)
        {
            targets = _callbacks.TryGetValue(pin, out var list) ? [.. list] : [];
        }

        foreach ((PinEventTypes types, PinChangeEventHandler handler) in targets)
        {
            if ((types & change) != 0)
            {
                handler(this, new PinValueChangedEventArgs(change, pin));
            }
        }
    }
}
