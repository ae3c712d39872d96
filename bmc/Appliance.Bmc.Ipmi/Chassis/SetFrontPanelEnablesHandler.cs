using Appliance.Bmc.Chassis;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Set Front Panel Enables (IPMI v2.0 section 28.6): which chassis buttons are passed through to
/// the host, in the front-panel policy the panel and Redfish share. Disabling a button this
/// board does not have is refused.
/// </summary>
public sealed class SetFrontPanelEnablesHandler(FrontPanelPolicy policy)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        var disabled = (FrontPanelButtons)d[0];
        if ((d[0] & 0xF0) != 0 || (disabled & ~policy.Present) != FrontPanelButtons.None)
        {
            return Reply.BadField();
        }

        return Reply.Offload(() =>
        {
            policy.SetDisabled(disabled);
            return IpmiResponse.Ok();
        });
    }
}
