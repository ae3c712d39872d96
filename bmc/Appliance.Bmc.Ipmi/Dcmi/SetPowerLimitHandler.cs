using System.Buffers.Binary;
using Appliance.Bmc.Power;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// Set Power Limit (DCMI v1.5 section 6.6.3, <c>ipmitool dcmi power set_limit limit 400</c>): stores
/// the limit, exception action, correction time and sampling period in the core's power cap,
/// leaving it active or not as it was. Out-of-range values get DCMI's own completion codes and
/// change nothing.
/// </summary>
public sealed class SetPowerLimitHandler(PowerLimit limit)
{
    /// <summary>DCMI completion codes.</summary>
    public const byte PowerLimitOutOfRange = 0x84;
    public const byte CorrectionTimeOutOfRange = 0x85;
    public const byte SamplingPeriodOutOfRange = 0x89;

    /// <summary>The sampling periods the BMC accepts, in seconds (its sensors are polled several times a second).</summary>
    public const int MaxSamplingPeriodS = 3600;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 15)
        {
            return Reply.BadLength();
        }

        if (d[0] != DcmiCommand.GroupExtension || d[1] != 0 || d[2] != 0 || d[3] != 0 || d[11] != 0 || d[12] != 0)
        {
            return Reply.BadField();
        }

        byte action = d[4];
        int watts = BinaryPrimitives.ReadUInt16LittleEndian(d[5..]);
        uint correctionMs = BinaryPrimitives.ReadUInt32LittleEndian(d[7..]);
        int samplingS = BinaryPrimitives.ReadUInt16LittleEndian(d[13..]);
        if (!Enum.IsDefined((PowerLimitException)action))
        {
            return Reply.BadField(); // OEM exception actions (02h..10h) are not offered
        }

        if (watts is < PowerLimit.MinWatts or > PowerLimit.MaxWatts)
        {
            return Reply.Error(PowerLimitOutOfRange);
        }

        if (correctionMs > PowerLimit.MaxCorrectionTime.TotalMilliseconds)
        {
            return Reply.Error(CorrectionTimeOutOfRange);
        }

        if (samplingS is < 1 or > MaxSamplingPeriodS)
        {
            return Reply.Error(SamplingPeriodOutOfRange);
        }

        return Reply.Offload(() =>
        {
            limit.Set(watts, (PowerLimitException)action, TimeSpan.FromMilliseconds(correctionMs), TimeSpan.FromSeconds(samplingS));
            return IpmiResponse.Ok([DcmiCommand.GroupExtension]);
        });
    }
}
