using System.Buffers.Binary;
using System.Device.Gpio;

namespace Appliance.Hw.Remote;

/// <summary>A GpioDriver whose lines are on a simulated board in another process; edges arrive on an event connection.</summary>
public sealed class RemoteGpioDriver(BoardClient client) : LineDriver
{
    private IDisposable? _events;

    protected override int PinCount => 1024;

    protected override PinValue Read(int pinNumber)
    {
        byte[] request = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(request, (ushort)pinNumber);
        return client.Call(BoardProtocol.GpioRead, request)[0] != 0 ? PinValue.High : PinValue.Low;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        byte[] request = new byte[3];
        BinaryPrimitives.WriteUInt16LittleEndian(request, (ushort)pinNumber);
        request[2] = value == PinValue.High ? (byte)1 : (byte)0;
        client.Call(BoardProtocol.GpioWrite, request);
    }

    // The event connection opens with the first callback: drivers nobody listens to cost the board nothing.
    protected override void StartingEdges() =>
        _events ??= client.SubscribeEdges((pin, rising) => Raise(pin, rising ? PinEventTypes.Rising : PinEventTypes.Falling));

    public override GpioChipInfo GetChipInfo() => new(0, "remote-sim-gpiochip0", "simulated board", PinCount);

    protected override void Dispose(bool disposing)
    {
        _events?.Dispose();
        _events = null;
        base.Dispose(disposing);
    }
}
