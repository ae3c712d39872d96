using Appliance.Hw.Sim.Host;

namespace Appliance.Hw.Sim;

/// <summary>The BMC's end of the simulated host's serial console, in the same process as the board.</summary>
public sealed class SimHostSerialPort(HostSerialPort port) : IHostSerialPort
{
    private IDisposable? _attachment;

    public void Open(Action<ReadOnlyMemory<byte>> received) => _attachment = port.Attach(received);

    public void Write(ReadOnlySpan<byte> data) => port.FromBmc(data);

    public void SendBreak() => port.Break();

    public void Dispose() => _attachment?.Dispose();
}
