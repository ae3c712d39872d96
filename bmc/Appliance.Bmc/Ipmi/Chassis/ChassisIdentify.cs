using Appliance.Ipmi;
using Identify = Appliance.Bmc.Chassis.ChassisIdentify;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Chassis Identify (IPMI v2.0 section 28.5): the ID LED on for an interval (15 s when none is
/// given; 0 turns it off), or on until turned off ("force on").
/// </summary>
public sealed class ChassisIdentify(Identify identify)
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

        if (d.Length == 2 && (d[1] & 0x01) != 0)
        {
            identify.TurnOn();
        }
        else if (d.Length == 0)
        {
            identify.TurnOn(DefaultInterval);
        }
        else if (d[0] == 0)
        {
            identify.TurnOff();
        }
        else
        {
            identify.TurnOn(TimeSpan.FromSeconds(d[0]));
        }

        return Reply.Ok();
    }
}
