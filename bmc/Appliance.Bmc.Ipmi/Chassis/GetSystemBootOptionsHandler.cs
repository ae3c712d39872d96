using Appliance.Bmc.Chassis;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>Get System Boot Options (IPMI v2.0 section 28.13): parameters 0, 3, 4 and 5 (see <see cref="SetSystemBootOptionsHandler"/>).</summary>
public sealed class GetSystemBootOptionsHandler(BootOptions boot, BootParameters parameters)
{
    private const byte ParameterVersion = 0x01;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 3)
        {
            return Reply.BadLength();
        }

        byte parameter = (byte)(d[0] & 0x7F);
        return Reply.Offload(() => Read(parameter));
    }

    private IpmiResponse Read(byte parameter)
    {
        byte[]? data = parameter switch
        {
            BootParameters.SetInProgressParameter => [parameters.SetInProgress],
            BootParameters.ValidBitClearingParameter => [parameters.ValidBitClearing],
            BootParameters.BootInfoAcknowledgeParameter => [0x00, parameters.Acknowledge],
            BootParameters.BootFlagsParameter => BootFlags.Encode(boot.Current),
            _ => null,
        };
        if (data is null)
        {
            return IpmiResponse.Error(SetSystemBootOptionsHandler.ParameterNotSupported);
        }

        byte[] response = new byte[2 + data.Length];
        response[0] = ParameterVersion;
        response[1] = parameter;
        data.CopyTo(response, 2);
        return IpmiResponse.Ok(response);
    }
}
