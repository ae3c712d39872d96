using System.Device.Gpio;

namespace Appliance.Hw.Sim;

/// <summary>
/// A GpioDriver over a simulated board's lines in this process: pin numbers are the board
/// file's line offsets; edges are delivered as a real driver's event thread would.
/// </summary>
public sealed class SimGpioDriver : LineDriver
{
    private readonly SimBoard _board;

    public SimGpioDriver(SimBoard board)
    {
        _board = board;
        board.Attach(this);
    }

    protected override int PinCount => _board.PinCount;

    protected override void CheckLine(int pinNumber)
    {
        if (!_board.HasLine(pinNumber))
        {
            throw new ArgumentException($"the simulated board has no line at offset {pinNumber}", nameof(pinNumber));
        }
    }

    protected override PinValue Read(int pinNumber) => _board.ReadPin(pinNumber);

    protected override void Write(int pinNumber, PinValue value) => _board.WritePin(pinNumber, value);

    public override GpioChipInfo GetChipInfo() => new(0, "sim-gpiochip0", _board.Description.Model, PinCount);

    internal void Deliver(int pin, PinEventTypes change) => Raise(pin, change);

    protected override void Dispose(bool disposing)
    {
        _board.Detach(this);
        base.Dispose(disposing);
    }
}
