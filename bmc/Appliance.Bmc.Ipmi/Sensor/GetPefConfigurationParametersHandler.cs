using Appliance.Bmc.Ipmi.Pef;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Get PEF Configuration Parameters (IPMI v2.0 section 30.4, <c>ipmitool pef list</c>,
/// <c>ipmi-pef-config --checkout</c>): the enables, startup delays, the 16 event filters and
/// 16 alert policy entries, and the system GUID traps carry. Only the volatile alert string (set 0)
/// exists; PET traps carry no alert strings.
/// </summary>
public sealed class GetPefConfigurationParametersHandler(PefConfiguration config, PefSetInProgress progress, Guid systemGuid, VolatileAlertString alertString)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 3)
        {
            return Reply.BadLength();
        }

        bool revisionOnly = (d[0] & 0x80) != 0;
        byte parameter = (byte)(d[0] & 0x7F);
        byte set = d[1];
        byte block = d[2];
        return Reply.Offload(() =>
        {
            byte[]? data = Read(parameter, set, block, out bool badSelector);
            if (badSelector)
            {
                return IpmiResponse.Error(CompletionCode.ParameterOutOfRange);
            }

            if (data is null)
            {
                return IpmiResponse.Error(PefParameter.ParameterNotSupported);
            }

            return revisionOnly ? IpmiResponse.Ok([PefParameter.Revision]) : IpmiResponse.Ok([PefParameter.Revision, .. data]);
        });
    }

    private byte[]? Read(byte parameter, byte set, byte block, out bool badSelector)
    {
        badSelector = false;
        switch (parameter)
        {
            case PefParameter.SetInProgress:
                return [progress.State];
            case PefParameter.Control:
                return [config.Control];
            case PefParameter.ActionGlobalControl:
                return [config.ActionGlobalControl];
            case PefParameter.StartupDelay:
                return [config.StartupDelay];
            case PefParameter.AlertStartupDelay:
                return [config.AlertStartupDelay];
            case PefParameter.NumberOfEventFilters:
                return [PefConfiguration.FilterCount];
            case PefParameter.NumberOfAlertPolicyEntries:
                return [PefConfiguration.PolicyCount];
            case PefParameter.NumberOfAlertStrings:
                return [0];
            case PefParameter.SystemGuid:
                // Bit 0 clear: traps carry the system GUID (Get System GUID's).
                return [0x00, .. systemGuid.ToByteArray()];
            case PefParameter.EventFilterTable or PefParameter.EventFilterTableData1:
                int filter = set & 0x7F;
                if (filter is < 1 or > PefConfiguration.FilterCount)
                {
                    badSelector = true;
                    return null;
                }

                byte[] entry = config.Filter(filter);
                return parameter == PefParameter.EventFilterTable ? [(byte)filter, .. entry] : [(byte)filter, entry[0]];
            case PefParameter.AlertStringKeys or PefParameter.AlertStrings:
                if ((set & 0x7F) != 0 || (parameter == PefParameter.AlertStrings && block is < 1 or > VolatileAlertString.Blocks))
                {
                    badSelector = true;
                    return null;
                }

                return parameter == PefParameter.AlertStringKeys ? [0, .. alertString.Keys] : [0, block, .. alertString.Block(block)];
            case PefParameter.AlertPolicyTable:
                int policy = set & 0x7F;
                if (policy is < 1 or > PefConfiguration.PolicyCount)
                {
                    badSelector = true;
                    return null;
                }

                return [(byte)policy, .. config.Policy(policy)];
            default:
                return null;
        }
    }
}
