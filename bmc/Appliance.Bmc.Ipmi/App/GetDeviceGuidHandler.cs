using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Get Device GUID (IPMI v2.0 section 20.8): the BMC's own GUID, fixed at its first start.</summary>
public sealed class GetDeviceGuidHandler(Guid deviceGuid)
{
    private readonly byte[] _response = IpmiGuid.Encode(deviceGuid);

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct) =>
        request.Data.Length == 0 ? Reply.Ok(_response) : Reply.BadLength();
}
