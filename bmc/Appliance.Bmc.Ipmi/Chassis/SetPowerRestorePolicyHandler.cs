using Appliance.Bmc.Power;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>Set Power Restore Policy (IPMI v2.0 section 28.8): always off, previous state, always on; 3 only asks what is supported.</summary>
public sealed class SetPowerRestorePolicyHandler(PowerControl power)
{
    private const byte NoChange = 0x03;

    /// <summary>Every policy is supported: always off (bit 0), previous (bit 1), always on (bit 2).</summary>
    private const byte Supported = 0x07;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if (d[0] > NoChange)
        {
            return Reply.BadField();
        }

        if (d[0] == NoChange)
        {
            return Reply.Ok([Supported]);
        }

        var policy = (PowerRestorePolicy)d[0];
        return Reply.Offload(() =>
        {
            power.RestorePolicy = policy;
            return IpmiResponse.Ok([Supported]);
        });
    }
}
