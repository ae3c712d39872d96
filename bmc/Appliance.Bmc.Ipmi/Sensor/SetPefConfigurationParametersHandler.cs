using Appliance.Bmc.Ipmi.Pef;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Set PEF Configuration Parameters (IPMI v2.0 section 30.3): the enables, startup delays, event
/// filters (whole, or only their configuration byte with parameter 7) and alert policy entries,
/// durably. Counts and the GUID are read-only (82h); unknown parameters get 80h.
/// </summary>
public sealed class SetPefConfigurationParametersHandler(PefConfiguration config, PefSetInProgress progress, VolatileAlertString alertString)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 2)
        {
            return Reply.BadLength();
        }

        byte parameter = (byte)(d[0] & 0x7F);
        byte[] data = d[1..].ToArray();
        int? expected = parameter switch
        {
            PefParameter.SetInProgress or PefParameter.Control or PefParameter.ActionGlobalControl
                or PefParameter.StartupDelay or PefParameter.AlertStartupDelay => 1,
            PefParameter.EventFilterTable => 1 + PefConfiguration.FilterLength,
            PefParameter.EventFilterTableData1 => 2,
            PefParameter.AlertPolicyTable => 1 + PefConfiguration.PolicyLength,
            PefParameter.AlertStringKeys => 3,
            PefParameter.AlertStrings => data.Length is >= 3 and <= 2 + VolatileAlertString.BlockLength ? data.Length : 2 + VolatileAlertString.BlockLength,
            _ => null,
        };
        if (expected is null)
        {
            bool readOnly = parameter is PefParameter.NumberOfEventFilters or PefParameter.NumberOfAlertPolicyEntries
                or PefParameter.NumberOfAlertStrings or PefParameter.SystemGuid;
            return Reply.Error(readOnly ? PefParameter.ReadOnlyParameter : PefParameter.ParameterNotSupported);
        }

        if (data.Length != expected)
        {
            return Reply.BadLength();
        }

        switch (parameter)
        {
            case PefParameter.SetInProgress:
                if (data[0] > 2)
                {
                    return Reply.BadField();
                }

                progress.Set(data[0]);
                return Reply.Ok();
            case PefParameter.AlertStringKeys or PefParameter.AlertStrings:
                if ((data[0] & 0x7F) != 0 || (parameter == PefParameter.AlertStrings && data[1] is < 1 or > VolatileAlertString.Blocks))
                {
                    return Reply.Error(CompletionCode.ParameterOutOfRange);
                }

                if (parameter == PefParameter.AlertStringKeys)
                {
                    alertString.Keys = data[1..];
                }
                else
                {
                    alertString.SetBlock(data[1], data.AsSpan(2));
                }

                return Reply.Ok();
            case PefParameter.Control when (data[0] & 0xF0) != 0:
            case PefParameter.ActionGlobalControl when (data[0] & ~GetPefCapabilitiesHandler.SupportedActions) != 0:
                return Reply.BadField();
            case PefParameter.EventFilterTable or PefParameter.EventFilterTableData1 or PefParameter.AlertPolicyTable:
                int max = parameter == PefParameter.AlertPolicyTable ? PefConfiguration.PolicyCount : PefConfiguration.FilterCount;
                int n = data[0] & 0x7F;
                if (n is < 1 || n > max)
                {
                    return Reply.Error(CompletionCode.ParameterOutOfRange);
                }

                if (parameter != PefParameter.AlertPolicyTable && (data[1] & 0x1F) != 0)
                {
                    return Reply.BadField(); // filter configuration byte: only enable (bit 7) and type (bits 6:5)
                }

                if (parameter == PefParameter.EventFilterTable && (data[2] & ~GetPefCapabilitiesHandler.SupportedActions) != 0)
                {
                    return Reply.BadField(); // an action this BMC cannot take (OEM, group control)
                }

                break;
        }

        return Reply.Offload(() =>
        {
            switch (parameter)
            {
                case PefParameter.Control:
                    config.Control = data[0];
                    break;
                case PefParameter.ActionGlobalControl:
                    config.ActionGlobalControl = data[0];
                    break;
                case PefParameter.StartupDelay:
                    config.StartupDelay = data[0];
                    break;
                case PefParameter.AlertStartupDelay:
                    config.AlertStartupDelay = data[0];
                    break;
                case PefParameter.EventFilterTable:
                    config.SetFilter(data[0] & 0x7F, data.AsSpan(1));
                    break;
                case PefParameter.EventFilterTableData1:
                    byte[] filter = config.Filter(data[0] & 0x7F);
                    filter[0] = data[1];
                    config.SetFilter(data[0] & 0x7F, filter);
                    break;
                case PefParameter.AlertPolicyTable:
                    config.SetPolicy(data[0] & 0x7F, data.AsSpan(1));
                    break;
            }

            return IpmiResponse.Ok();
        });
    }
}
