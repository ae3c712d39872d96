using Appliance.Hw;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Get Chassis Capabilities (IPMI v2.0 section 28.1): an intrusion sensor, front-panel lockout and
/// a diagnostic interrupt when the board has the lines for them; the BMC itself (20h) holds the
/// FRU, SDR and SEL.
/// </summary>
public sealed class GetChassisCapabilitiesHandler
{
    private const byte BmcAddress = 0x20;
    private readonly byte[] _response;

    public GetChassisCapabilitiesHandler(BmcCore host)
    {
        bool Has(string line) => host.Board.Description.Gpio.Lines.Any(l => l.Name == line);
        byte flags = (byte)((Has(LineNames.ChassisIntrusion) ? 0x01 : 0)
            | (host.FrontPanelPolicy.Present != Bmc.Chassis.FrontPanelButtons.None ? 0x02 : 0)
            | (Has(LineNames.NmiOut) ? 0x04 : 0));
        _response = [flags, BmcAddress, BmcAddress, BmcAddress, BmcAddress];
    }

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct) =>
        request.Data.Length == 0 ? Reply.Ok(_response) : Reply.BadLength();
}
