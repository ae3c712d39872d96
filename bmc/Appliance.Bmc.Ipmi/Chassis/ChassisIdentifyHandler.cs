using Appliance.Ipmi;
using Identify = Appliance.Bmc.Chassis.ChassisIdentify;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Chassis Identify (IPMI v2.0 section 28.5): the ID LED on for an interval (15 s when none is
/// given; 0 turns it off), or on until turned off ("force on").
/// </summary>
public sealed class ChassisIdentifyHandler(Identify identify)
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length > 2)
        {
            return Reply.BadLength();
        }

        if (d.Length == 2 && (d[1] & 0xFE) != 0)
        {
            return Reply.BadField();
        }

        TimeSpan? interval = d.Length == 2 && (d[1] & 0x01) != 0 ? null
            : d.Length == 0 ? DefaultInterval
            : TimeSpan.FromSeconds(d[0]);

        // The LED is a board line, and listeners (the panel, Redfish) hear of it: off the receive loop.
        return Reply.Offload(() =>
        {
            if (interval == TimeSpan.Zero)
            {
                identify.TurnOff();
            }
            else
            {
                identify.TurnOn(interval);
            }

            return IpmiResponse.Ok();
        });
    }
}
