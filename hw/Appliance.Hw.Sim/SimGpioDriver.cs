using System.Device.Gpio;

namespace Appliance.Hw.Sim;

/// <summary>
/// A GpioDriver over a simulated board's lines: pin numbers are the board file's line offsets.
/// Edges are delivered to callbacks as a real driver's event thread would, and WaitForEvent
/// blocks until the requested edge.
/// </summary>
public sealed class SimGpioDriver : GpioDriver
{
    private readonly SimBoard _board;
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly Lock _lock = new();
    private event Action<int, PinEventTypes>? Edge;

    public SimGpioDriver(SimBoard board)
    {
        _board = board;
        board.Attach(this);
    }

    protected override int PinCount => _board.PinCount;

    protected override void OpenPin(int pinNumber)
    {
        if (!_board.HasLine(pinNumber))
        {
            throw new ArgumentException($"the simulated board has no line at offset {pinNumber}", nameof(pinNumber));
        }

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

    protected override PinValue Read(int pinNumber) => _board.ReadPin(pinNumber);

    protected override void Toggle(int pinNumber) => Write(pinNumber, !Read(pinNumber));

    protected override void Write(int pinNumber, PinValue value) => _board.WritePin(pinNumber, value);

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var happened = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        void OnEdge(int pin, PinEventTypes change)
        {
            if (pin == pinNumber && (change & eventTypes) != 0)
            {
                seen = change;
                happened.Set();
            }
        }

        Edge += OnEdge;
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
            Edge -= OnEdge;
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
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

    public override GpioChipInfo GetChipInfo() => new(0, "sim-gpiochip0", _board.Description.Model, PinCount);

    internal void Raise(int pin, PinEventTypes change)
    {
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

        Edge?.Invoke(pin, change);
    }

    protected override void Dispose(bool disposing)
    {
        _board.Detach(this);
        base.Dispose(disposing);
    }
}
