using Appliance.Bmc.Ipmi.Pef;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Arm PEF Postpone Timer (IPMI v2.0 section 30.2): 00h disarms, 01h..FDh postpones PEF for that many
/// seconds, FEh holds it off until disarmed, FFh only reads the countdown. Events logged meanwhile
/// are processed when the timer ends.
/// </summary>
public sealed class ArmPefPostponeTimerHandler(PefEngine engine)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if (d[0] != 0xFF)
        {
            engine.Postpone(d[0]);
        }

        byte present = engine.TemporarilyDisabled ? (byte)0xFE : (byte)Math.Min(0xFD, engine.PostponeSecondsLeft);
        return Reply.Ok([present]);
    }
}
