using Appliance.Bmc.Power;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Get POH Counter (IPMI v2.0 section 28.14, <c>ipmitool chassis poh</c>): the core's power-on
/// hours (time with PS_PWROK asserted, kept across BMC restarts), counted in minutes.
/// </summary>
public sealed class GetPohCounterHandler(PowerOnHours hours)
{
    public const byte MinutesPerCount = 1;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Span.Length != 0)
        {
            return Reply.BadLength();
        }

        return Reply.Offload(() =>
        {
            uint minutes = (uint)Math.Min(uint.MaxValue, hours.Total.TotalMinutes / MinutesPerCount);
            return IpmiResponse.Ok([MinutesPerCount, (byte)minutes, (byte)(minutes >> 8), (byte)(minutes >> 16), (byte)(minutes >> 24)]);
        });
    }
}
