using System.Net;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Network;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// Get LAN Configuration Parameters (IPMI v2.0 section 23.2) from the management network settings
/// the front panel and Redfish share, plus the RMCP+ cipher suites and their privilege limits.
/// IPMI v1.5 authentication types are all off: only RMCP+ sessions exist.
/// </summary>
public sealed class GetLanConfigurationParametersHandler(NetworkSettings network, LanChannel channel, LanSetInProgress progress, DisabledVlan disabledVlan, AccountStore accounts,
    Pef.PefConfiguration alerts)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (GetConfigurationParametersRequest.Refusal(d, context) is { } refusal)
        {
            return refusal;
        }

        bool revisionOnly = (d[0] & 0x80) != 0;
        byte parameter = d[1];
        byte set = d[2];
        if (parameter is Pef.PefParameter.LanDestinationType or Pef.PefParameter.LanDestinationAddresses && set > Pef.PefConfiguration.DestinationCount)
        {
            return Reply.Error(CompletionCode.ParameterOutOfRange);
        }

        return Reply.Offload(() =>
        {
            byte[]? data = parameter switch
            {
                Pef.PefParameter.LanCommunityString => alerts.Community,
                Pef.PefParameter.LanNumberOfDestinations => [Pef.PefConfiguration.DestinationCount],
                Pef.PefParameter.LanDestinationType => [set, .. alerts.DestinationType(set)],
                Pef.PefParameter.LanDestinationAddresses => [set, .. alerts.DestinationAddress(set)],
                _ => Read(parameter),
            };
            if (data is null)
            {
                return IpmiResponse.Error(LanParameter.ParameterNotSupported);
            }

            if (revisionOnly)
            {
                return IpmiResponse.Ok([LanParameter.Revision]);
            }

            byte[] response = new byte[1 + data.Length];
            response[0] = LanParameter.Revision;
            data.CopyTo(response, 1);
            return IpmiResponse.Ok(response);
        });
    }

    private byte[]? Read(byte parameter)
    {
        switch (parameter)
        {
            case LanParameter.SetInProgress:
                return [progress.State];
            case LanParameter.AuthenticationTypeSupport:
                return [0x00];
            case LanParameter.AuthenticationTypeEnables:
                return new byte[5];
            case LanParameter.Ipv4HeaderParameters:
                return [0x40, 0x40, 0x10]; // TTL 64, don't fragment, precedence 0 / TOS "minimize delay"
            case LanParameter.DefaultGatewayMacAddress:
            case LanParameter.BackupGatewayMacAddress:
                return new byte[6];
            case LanParameter.BackupGatewayAddress:
                return new byte[4];
            case LanParameter.VlanPriority:
                return [0x00];
            case LanParameter.CipherSuiteEntrySupport:
                return [(byte)LanChannel.CipherSuites.Count];
            case LanParameter.CipherSuiteEntries:
                return [0x00, .. LanChannel.CipherSuites.Select(s => (byte)s)];
            case LanParameter.CipherSuitePrivilegeLevels:
                byte[] levels = new byte[9];
                for (int i = 0; i < LanChannel.CipherSuites.Count; i++)
                {
                    levels[1 + (i / 2)] |= (byte)((byte)channel.SuiteLimit(LanChannel.CipherSuites[i]) << (i % 2 * 4));
                }

                return levels;
            case LanParameter.BadPasswordThreshold:
                return BadPasswordThreshold.Read(accounts.Policy);
        }

        NetworkConfiguration c = network.Current;
        return parameter switch
        {
            LanParameter.IpAddress => c.Address.GetAddressBytes(),
            LanParameter.IpAddressSource => [c.Source == IpAddressSource.Dhcp ? LanParameter.SourceDhcp : LanParameter.SourceStatic],
            LanParameter.MacAddress => c.MacAddress.GetAddressBytes(),
            LanParameter.SubnetMask => c.SubnetMask.GetAddressBytes(),
            LanParameter.DefaultGatewayAddress => c.Gateway.GetAddressBytes(),
            LanParameter.VlanId => c.VlanId is int vlan ? [(byte)vlan, (byte)(0x80 | (vlan >> 8))] : [(byte)disabledVlan.Id, (byte)((disabledVlan.Id >> 8) & 0x0F)],
            _ => null,
        };
    }
}
