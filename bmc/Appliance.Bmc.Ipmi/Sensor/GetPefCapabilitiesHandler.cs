using Appliance.Bmc.Ipmi.Pef;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>Get PEF Capabilities (IPMI v2.0 section 30.1, <c>ipmitool pef capabilities</c>): PEF 1.5, the actions it takes, 16 filters.</summary>
public sealed class GetPefCapabilitiesHandler
{
    /// <summary>PEF version 1.5 (BCD, as IPMI v2.0 specifies it).</summary>
    public const byte Version = 0x51;

    /// <summary>Alert, power down, reset, power cycle and diagnostic interrupt; no OEM action, no OEM filter table.</summary>
    public const byte SupportedActions = PefEngine.Alert | PefEngine.PowerDown | PefEngine.Reset | PefEngine.PowerCycle | PefEngine.DiagnosticInterrupt;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct) =>
        request.Span.Length != 0 ? Reply.BadLength() : Reply.Ok([Version, SupportedActions, PefConfiguration.FilterCount]);
}
