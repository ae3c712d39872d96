using Appliance.Bmc.Serial;
using Appliance.Ipmi;
using Appliance.Ipmi.Sol;

namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>Serial-over-LAN's view of the BMC: the host's console and the SOL configuration parameters.</summary>
public sealed class SerialOverLan(HostConsole console, SolConfiguration configuration) : ISerialOverLan
{
    private Translated? _last;

    public SolSettings Settings
    {
        get
        {
            // Read for every packet; a new object only when the configuration changed.
            SolParameters p = configuration.Current;
            if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Parameters, p))
            {
                return last.Settings;
            }

            var settings = new SolSettings(p.Enabled, (PrivilegeLevel)(p.Authentication & 0x0F), (p.Authentication & 0x80) != 0,
                (p.Authentication & 0x40) != 0, p.AccumulateInterval, p.SendThreshold, p.RetryCount, p.RetryInterval);
            Volatile.Write(ref _last, new Translated(p, settings));
            return settings;
        }
    }

    public bool Available => console.Available;

    public IDisposable Watch(Action<ReadOnlyMemory<byte>> output) => console.Watch(output);

    public void Write(ReadOnlySpan<byte> data) => console.Write(data);

    public void SendBreak() => console.SendBreak();

    private sealed record Translated(SolParameters Parameters, SolSettings Settings);
}
