using System.Device.Gpio;
using Appliance.Hw.Boards;

namespace Appliance.Hw;

/// <summary>
/// The board's GPIO lines by name, in asserted/deasserted terms so that callers never deal
/// with polarity. Lines open on first use; outputs open driven to their deasserted level so
/// that opening POWER_OUT never presses the power button.
/// </summary>
public sealed class GpioLines : IDisposable
{
    private readonly BoardDescription _board;
    private readonly IBoardPlatform _platform;
    private readonly Dictionary<string, (GpioLineDescription Line, int Pin)> _open = [];
    private readonly Lock _lock = new();

    public GpioLines(BoardDescription board, IBoardPlatform platform)
    {
        _board = board;
        _platform = platform;
        Controller = new GpioController(platform.CreateGpioDriver());
    }

    /// <summary>The controller, shared with bindings that open their own pins (buttons).</summary>
    public GpioController Controller { get; }

    /// <summary>The chip pin number of a line, for bindings that take pin numbers.</summary>
    public int PinOf(string name) => _platform.LineOffset(Describe(name));

    public bool IsAsserted(string name)
    {
        (GpioLineDescription line, int pin) = Open(name);
        return line.IsAsserted(Controller.Read(pin));
    }

    public void Set(string name, bool asserted)
    {
        (GpioLineDescription line, int pin) = Open(name);
        if (line.Direction != GpioDirection.Output)
        {
            throw new InvalidOperationException($"GPIO line {name} is an input and cannot be driven");
        }

        Controller.Write(pin, line.Level(asserted));
    }

    /// <summary>Calls <paramref name="changed"/> with the new asserted state whenever the line changes.</summary>
    public IDisposable OnChange(string name, Action<bool> changed)
    {
        (GpioLineDescription line, int pin) = Open(name);
        PinChangeEventHandler handler = (_, e) => changed(line.IsAssertedAfter(e.ChangeType));
        Controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, handler);
        return new Subscription(() => Controller.UnregisterCallbackForPinValueChangedEvent(pin, handler));
    }

    public void Dispose() => Controller.Dispose();

    private (GpioLineDescription Line, int Pin) Open(string name)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(name, out var opened))
            {
                return opened;
            }

            GpioLineDescription line = Describe(name);
            int pin = _platform.LineOffset(line);
            if (line.Direction == GpioDirection.Output)
            {
                Controller.OpenPin(pin, PinMode.Output, line.Level(asserted: false));
            }
            else
            {
                Controller.OpenPin(pin, PinMode.Input);
            }

            _open[name] = (line, pin);
            return (line, pin);
        }
    }

    private GpioLineDescription Describe(string name) =>
        _board.Gpio.Lines.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"board {_board.Model} has no GPIO line named {name}", nameof(name));

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
