using System.Device.Gpio;
using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim;

/// <summary>
/// The level of every GPIO line on the simulated board, the GPIO drivers watching them, and the
/// edges those drivers have not been told about yet. Pin numbers are the board file's offsets.
/// Not thread-safe: the board serialises it.
/// </summary>
internal sealed class LineLevels
{
    private readonly PinValue[] _levels;
    private readonly Dictionary<int, GpioLineDescription> _lineAt = [];
    private readonly Dictionary<string, int> _pinOf = [];
    private readonly List<(int Pin, PinEventTypes Change)> _edges = [];
    private readonly List<SimGpioDriver> _watchers = [];

    public LineLevels(BoardDescription board)
    {
        int pins = 0;
        foreach (GpioLineDescription line in board.Gpio.Lines)
        {
            int pin = line.Offset ?? throw new BoardFileException(board.SourceFile, "$.gpio.lines", $"\"{line.Name}\"",
                "the simulator needs an offset for every line");
            _lineAt[pin] = line;
            _pinOf[line.Name] = pin;
            pins = Math.Max(pins, pin + 1);
        }

        _levels = new PinValue[pins];
        foreach ((int pin, GpioLineDescription line) in _lineAt)
        {
            _levels[pin] = line.Level(asserted: false);
        }
    }

    public int PinCount => _levels.Length;

    public bool HasLine(int pin) => _lineAt.ContainsKey(pin);

    /// <summary>The line at a pin; null where the board has none.</summary>
    public GpioLineDescription? LineAt(int pin) => _lineAt.GetValueOrDefault(pin);

    public PinValue Read(int pin) => pin < _levels.Length ? _levels[pin] : PinValue.Low;

    public bool IsAsserted(string line) => _lineAt[PinOf(line)].IsAsserted(_levels[PinOf(line)]);

    /// <summary>Drives a line by name; a name the board does not have is ignored.</summary>
    public void Set(string line, bool asserted)
    {
        if (_pinOf.TryGetValue(line, out int pin))
        {
            Set(pin, _lineAt[pin].Level(asserted));
        }
    }

    /// <summary>Sets a pin's level and records the edge; false when the level was already so.</summary>
    public bool Set(int pin, PinValue value)
    {
        if (_levels[pin] == value)
        {
            return false;
        }

        _levels[pin] = value;
        _edges.Add((pin, value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling));
        return true;
    }

    /// <summary>The edges since the last call, and the drivers to tell.</summary>
    public ((int Pin, PinEventTypes Change)[] Edges, SimGpioDriver[] Watchers) TakeEdges()
    {
        (int Pin, PinEventTypes Change)[] edges = [.. _edges];
        _edges.Clear();
        return (edges, [.. _watchers]);
    }

    /// <summary>Drops edges nobody should see (the levels a board starts with under a live host).</summary>
    public void ForgetEdges() => _edges.Clear();

    public void Watch(SimGpioDriver driver) => _watchers.Add(driver);

    public void Unwatch(SimGpioDriver driver) => _watchers.Remove(driver);

    private int PinOf(string line) => _pinOf.TryGetValue(line, out int pin) ? pin : throw new ArgumentException($"no line named {line}", nameof(line));
}
