namespace Appliance.Hw;

/// <summary>
/// The host's serial console as the BMC reaches it: on a real board the UART the host's ttyS0 is
/// routed to, on the simulated board its console line over the board socket. Bytes the host writes
/// arrive through the callback given to <see cref="Open"/>, on a thread of the port's own, in order.
/// </summary>
public interface IHostSerialPort : IDisposable
{
    /// <summary>Starts delivering what the host writes. Called once.</summary>
    void Open(Action<ReadOnlyMemory<byte>> received);

    /// <summary>Characters typed at the console, to the host.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>A serial break (what Magic SysRq on a Linux serial console listens for).</summary>
    void SendBreak();
}
