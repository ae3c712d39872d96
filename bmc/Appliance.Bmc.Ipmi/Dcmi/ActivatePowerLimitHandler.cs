using Appliance.Bmc.Power;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// Activate/Deactivate Power Limit (DCMI v1.5 section 6.6.4, <c>ipmitool dcmi power activate</c> /
/// <c>deactivate</c>): switches the core's power cap on or off (Redfish Control ControlMode
/// Automatic or Disabled). A limit must have been set before it can be activated (D5h otherwise).
/// </summary>
public sealed class ActivatePowerLimitHandler(PowerLimit limit)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        if (d[0] != DcmiCommand.GroupExtension || d[1] > 1 || d[2] != 0 || d[3] != 0)
        {
            return Reply.BadField();
        }

        bool activate = d[1] == 1;
        if (activate && !limit.Current.IsSet)
        {
            return Reply.Error(CompletionCode.NotSupportedInPresentState);
        }

        return Reply.Offload(() =>
        {
            limit.Activate(activate);
            return IpmiResponse.Ok([DcmiCommand.GroupExtension]);
        });
    }
}
