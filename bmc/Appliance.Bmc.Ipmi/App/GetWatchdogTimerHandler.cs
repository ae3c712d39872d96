using System.Buffers.Binary;
using Appliance.Bmc.Watchdog;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Get Watchdog Timer (IPMI v2.0 section 27.7): the armed settings and the countdown left.</summary>
public sealed class GetWatchdogTimerHandler(HostWatchdog watchdog)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        WatchdogSettings? s = watchdog.Settings;
        bool running = watchdog.Running;
        TimeSpan remaining = watchdog.Remaining;
        byte[] data = new byte[8];
        if (s is not null)
        {
            data[0] = (byte)((s.DontLog ? 0x80 : 0) | (byte)s.Use);
            data[1] = (byte)(((byte)s.PreTimeoutInterrupt << 4) | (byte)s.Action);
            data[2] = (byte)Math.Min(255, s.PreTimeoutInterval.TotalSeconds);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), Counts(s.InitialCountdown));
        }

        data[0] |= (byte)(running ? 0x40 : 0);
        data[3] = watchdog.ExpirationFlags;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), Counts(remaining));
        return Reply.Ok(data);
    }

    // 100 ms counts, rounded up so a running timer never reads 0 before it has expired.
    private static ushort Counts(TimeSpan span) => (ushort)Math.Min(ushort.MaxValue, Math.Ceiling(span.TotalMilliseconds / 100));
}
