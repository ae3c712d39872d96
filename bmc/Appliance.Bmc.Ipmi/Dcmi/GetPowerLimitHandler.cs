using System.Buffers.Binary;
using Appliance.Bmc.Power;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// Get Power Limit (DCMI v1.5 section 6.6.2, <c>ipmitool dcmi power get_limit</c>): the core's power
/// cap, the one Redfish's power limit Control shows. While the limit is not active the answer is
/// 80h ("no active set power limit") with the stored values, which ipmitool reads and shows too.
/// </summary>
public sealed class GetPowerLimitHandler(PowerLimit limit)
{
    /// <summary>DCMI completion code: no active set power limit.</summary>
    public const byte NoActivePowerLimit = 0x80;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 3)
        {
            return Reply.BadLength();
        }

        if (d[0] != DcmiCommand.GroupExtension || d[1] != 0 || d[2] != 0)
        {
            return Reply.BadField();
        }

        PowerLimitSettings current = limit.Current;
        byte[] data = Encode(current);
        return new ValueTask<IpmiResponse>(current.Active ? IpmiResponse.Ok(data) : IpmiResponse.Error(NoActivePowerLimit, data));
    }

    /// <summary>Response bytes after the completion code: DCh, 2 reserved, exception action, limit (W), correction time (ms), 2 reserved, sampling period (s).</summary>
    public static byte[] Encode(PowerLimitSettings s)
    {
        byte[] data = new byte[14];
        data[0] = DcmiCommand.GroupExtension;
        data[3] = (byte)s.Exception;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)s.LimitWatts);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(6), (uint)s.CorrectionTime.TotalMilliseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(12), (ushort)s.SamplingPeriod.TotalSeconds);
        return data;
    }
}
