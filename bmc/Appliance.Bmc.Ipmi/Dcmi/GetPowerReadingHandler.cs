using System.Buffers.Binary;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// DCMI Get Power Reading (DCMI v1.5 section 6.6.1), system power statistics mode: current,
/// minimum, maximum and average watts, the time stamp and the statistics period, and whether a
/// measurement is active (not while the host is off).
/// </summary>
public sealed class GetPowerReadingHandler(PowerStatistics power, TimeProvider time)
{
    private const byte SystemPowerStatistics = 0x01;
    private const byte MeasurementActive = 0x40;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        if (d[0] != DcmiCommand.GroupExtension || d[1] != SystemPowerStatistics || d[2] != 0)
        {
            return Reply.BadField(); // enhanced (rolling average) statistics are not offered
        }

        if (!power.HasPowerMonitor)
        {
            return Reply.Error(CompletionCode.CommandResponseCouldNotBeProvided);
        }

        double? current = power.Current;
        (double min, double max, double average, TimeSpan period) = power.Summary();
        byte[] data = new byte[18];
        data[0] = DcmiCommand.GroupExtension;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), Watts(current ?? 0));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(3), Watts(min));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(5), Watts(max));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(7), Watts(average));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(9), (uint)Math.Max(0, time.GetUtcNow().ToUnixTimeSeconds()));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(13), (uint)Math.Min(uint.MaxValue, period.TotalMilliseconds));
        data[17] = current is null ? (byte)0 : MeasurementActive;
        return Reply.Ok(data);
    }

    private static ushort Watts(double value) => (ushort)Math.Clamp(Math.Round(value), 0, ushort.MaxValue);
}
