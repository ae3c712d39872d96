using System.Buffers.Binary;
using Appliance.Bmc.Watchdog;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Set Watchdog Timer (IPMI v2.0 section 27.6): arms the host watchdog.</summary>
public sealed class SetWatchdogTimerHandler(HostWatchdog watchdog)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 6)
        {
            return Reply.BadLength();
        }

        int use = d[0] & 0x07;
        int action = d[1] & 0x07;
        int interrupt = (d[1] >> 4) & 0x07;
        if (use is < 1 or > 5 || (d[0] & 0x38) != 0 || action > 3 || interrupt > 3 || (d[1] & 0x88) != 0)
        {
            return Reply.BadField();
        }

        var settings = new WatchdogSettings(
            (WatchdogTimerUse)use,
            DontLog: (d[0] & 0x80) != 0,
            (WatchdogAction)action,
            (PreTimeoutInterrupt)interrupt,
            PreTimeoutInterval: TimeSpan.FromSeconds(d[2]),
            InitialCountdown: TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt16LittleEndian(d[4..]) * 100));
        try
        {
            watchdog.Set(settings, keepRunning: (d[0] & 0x40) != 0, clearExpirationFlags: (byte)(d[3] & 0x3E));
        }
        catch (ArgumentException)
        {
            return Reply.BadField(); // pre-timeout interval longer than the countdown
        }

        return Reply.Ok();
    }
}
