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
    : SetConfigurationParametersHandler(progress)
{
    protected override int? LengthOf(byte parameter) => parameter switch
    {
        SolParameter.Enable or SolParameter.Authentication or SolParameter.NonVolatileBitRate or SolParameter.VolatileBitRate => 1,
        SolParameter.CharacterAccumulate or SolParameter.Retry => 2,
        _ => null,
    };

    protected override bool IsReadOnly(byte parameter) => parameter is SolParameter.PayloadChannel or SolParameter.PayloadPort;

    protected override bool RefusesSetInProgressTwice => true;

    protected override ValueTask<IpmiResponse> Set(byte parameter, byte[] v)
    {
        bool valid = parameter switch
        {
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
