using Appliance.Bmc.Serial;
using Appliance.Ipmi.Sol;

namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>Serial-over-LAN's view of the BMC: the host's console and the SOL configuration parameters.</summary>
public sealed class SerialOverLan(HostConsole console, SolConfiguration configuration) : ISerialOverLan
{
    public SolSettings Settings => configuration.Current;

    public bool Available => console.Available;

    public IDisposable Watch(Action<ReadOnlyMemory<byte>> output) => console.Watch(output);

    public void Write(ReadOnlySpan<byte> data) => console.Write(data);

    public void SendBreak() => console.SendBreak();
}
