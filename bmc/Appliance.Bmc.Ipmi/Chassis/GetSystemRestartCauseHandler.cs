using Appliance.Bmc.Power;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>Get System Restart Cause (IPMI v2.0 section 28.11): why the host last started, as the power state machine recorded it.</summary>
public sealed class GetSystemRestartCauseHandler(PowerControl power)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        return Reply.Offload(() =>
        {
            RestartCause cause = power.LastRestartCause;
            byte channel = cause == RestartCause.ChassisControl ? LanChannel.Number : (byte)0;
            return IpmiResponse.Ok([(byte)cause, channel]);
        });
    }
}
