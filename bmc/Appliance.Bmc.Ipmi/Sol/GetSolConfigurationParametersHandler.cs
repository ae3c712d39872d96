using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Transport;
using Appliance.Ipmi;
using Appliance.Bmc.Serial;

namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>Get SOL Configuration Parameters (IPMI v2.0 section 26.3): parameters 0 to 8.</summary>
public sealed class GetSolConfigurationParametersHandler(SolConfiguration configuration, LanSetInProgress progress, Func<int> payloadPort)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (GetConfigurationParametersRequest.Refusal(d, context) is { } refusal)
        {
            return refusal;
        }

        SolParameters s = configuration.Current;
        int port = payloadPort();
        byte[]? data = d[1] switch
        {
            SolParameter.SetInProgress => [progress.State],
            SolParameter.Enable => [(byte)(s.Enabled ? 1 : 0)],
            SolParameter.Authentication => [s.Authentication],
            SolParameter.CharacterAccumulate => [s.AccumulateInterval, s.SendThreshold],
            SolParameter.Retry => [s.RetryCount, s.RetryInterval],
            SolParameter.NonVolatileBitRate => [s.NonVolatileBitRate],
            SolParameter.VolatileBitRate => [configuration.VolatileBitRate],
            SolParameter.PayloadChannel => [LanChannel.Number],
            SolParameter.PayloadPort => [(byte)port, (byte)(port >> 8)],
            _ => null,
        };
        if (data is null)
        {
            return Reply.Error(SolParameter.ParameterNotSupported);
        }

        return (d[0] & 0x80) != 0 ? Reply.Ok([SolParameter.Revision]) : Reply.Ok([SolParameter.Revision, .. data]);
    }
}
