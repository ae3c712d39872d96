using System.Device.Gpio;

namespace Appliance.Hw;

/// <summary>
/// What the simulated board's GPIO drivers share, wherever the lines live: pin modes, callbacks
/// per pin and edge type, and WaitForEvent built on them. Subclasses read and drive the lines
/// and call <see cref="Raise"/> for every edge, from whatever thread delivers it.
/// </summary>
public abstract class LineDriver : GpioDriver
{
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly Lock _lock = new();

    /// <summary>Throws when the board has no line at <paramref name="pinNumber"/>.</summary>
    protected virtual void CheckLine(int pinNumber)
    {
    }

    /// <summary>Called, under the driver's lock, before the first callback is added.</summary>
    protected virtual void StartingEdges()
    {
    }

    protected override void OpenPin(int pinNumber)
    {
        CheckLine(pinNumber);
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

    protected override void Toggle(int pinNumber) => Write(pinNumber, !Read(pinNumber));

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
            StartingEdges();
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

    /// <summary>Delivers an edge to the callbacks registered for it, outside the driver's lock.</summary>
    protected void Raise(int pin, PinEventTypes change)
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
    }
}
