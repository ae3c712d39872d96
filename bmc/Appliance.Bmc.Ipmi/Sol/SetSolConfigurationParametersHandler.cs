using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Serial;
using Appliance.Bmc.Ipmi.Transport;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>
/// Set SOL Configuration Parameters (IPMI v2.0 section 26.2). A value outside what the parameter
/// allows (a reserved bit, privilege below User, a zero accumulate interval or threshold, an unknown
/// bit rate) is refused with CCh and changes nothing; the payload channel and port are read-only.
/// </summary>
public sealed class SetSolConfigurationParametersHandler(SolConfiguration configuration, LanSetInProgress progress)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 2)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context))
        {
            return Reply.BadField();
        }

        byte parameter = d[1];
        byte[] v = d[2..].ToArray();
        int? expected = parameter switch
        {
            SolParameter.SetInProgress or SolParameter.Enable or SolParameter.Authentication
                or SolParameter.NonVolatileBitRate or SolParameter.VolatileBitRate => 1,
            SolParameter.CharacterAccumulate or SolParameter.Retry => 2,
            _ => null,
        };
        if (expected is null)
        {
            return Reply.Error(parameter is SolParameter.PayloadChannel or SolParameter.PayloadPort
                ? SolParameter.ReadOnlyParameter
                : SolParameter.ParameterNotSupported);
        }

        if (v.Length != expected)
        {
            return Reply.BadLength();
        }

        bool valid = parameter switch
        {
            SolParameter.SetInProgress => v[0] <= 2,
            SolParameter.Enable => (v[0] & 0xFE) == 0,
            SolParameter.Authentication => (v[0] & 0x30) == 0 && (v[0] & 0x0F) is >= (byte)PrivilegeLevel.User and <= (byte)PrivilegeLevel.Oem,
            SolParameter.CharacterAccumulate => v[0] != 0 && v[1] != 0,
            SolParameter.Retry => (v[0] & 0xF8) == 0,
            _ => SolParameter.IsBitRate(v[0]),
        };
        if (!valid)
        {
            return Reply.BadField();
        }

        if (parameter == SolParameter.SetInProgress)
        {
            if (v[0] == 1 && progress.State == 1)
            {
                return Reply.Error(SolParameter.SetInProgressAlready);
            }

            progress.Set(v[0]);
            return Reply.Ok();
        }

        if (parameter == SolParameter.VolatileBitRate)
        {
            configuration.SetVolatileBitRate(v[0]);
            return Reply.Ok();
        }

        return Reply.Offload(() =>
        {
            switch (parameter)
            {
                case SolParameter.Enable: configuration.SetEnabled(v[0] == 1); break;
                case SolParameter.Authentication: configuration.SetAuthentication(v[0]); break;
                case SolParameter.CharacterAccumulate: configuration.SetCharacterAccumulate(v[0], v[1]); break;
                case SolParameter.Retry: configuration.SetRetry(v[0], v[1]); break;
                default: configuration.SetNonVolatileBitRate(v[0]); break;
            }

            return IpmiResponse.Ok();
        });
    }
}
