using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Network;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// Set LAN Configuration Parameters (IPMI v2.0 section 23.1): IP address source, address, subnet
/// mask, default gateway, MAC address and VLAN go to the shared network settings (validated
/// there; a bad value changes nothing); cipher suite privilege levels go to the LAN channel, the
/// bad password threshold to the account store's lockout policy.
/// </summary>
public sealed class SetLanConfigurationParametersHandler(NetworkSettings network, LanChannel channel, LanSetInProgress progress, DisabledVlan disabledVlan, AccountStore accounts,
    Pef.PefConfiguration alerts) : SetConfigurationParametersHandler(progress)
{
    protected override int? LengthOf(byte parameter) => parameter switch
    {
        LanParameter.IpAddressSource => 1,
        LanParameter.IpAddress or LanParameter.SubnetMask or LanParameter.DefaultGatewayAddress => 4,
        LanParameter.MacAddress => 6,
        LanParameter.VlanId => 2,
        LanParameter.CipherSuitePrivilegeLevels => 9,
        LanParameter.BadPasswordThreshold => Transport.BadPasswordThreshold.Length,
        Pef.PefParameter.LanCommunityString => Pef.PefConfiguration.CommunityLength,
        Pef.PefParameter.LanDestinationType => 1 + Pef.PefConfiguration.DestinationTypeLength,
        Pef.PefParameter.LanDestinationAddresses => 1 + Pef.PefConfiguration.DestinationAddressLength,
        _ => null,
    };

    protected override bool IsReadOnly(byte parameter) =>
        parameter is LanParameter.AuthenticationTypeSupport or LanParameter.AuthenticationTypeEnables
            or LanParameter.Ipv4HeaderParameters or LanParameter.DefaultGatewayMacAddress or LanParameter.BackupGatewayAddress
            or LanParameter.BackupGatewayMacAddress or LanParameter.VlanPriority or LanParameter.CipherSuiteEntrySupport
            or LanParameter.CipherSuiteEntries or Pef.PefParameter.LanNumberOfDestinations;

    protected override ValueTask<IpmiResponse> Set(byte parameter, byte[] data)
    {
        if (parameter is Pef.PefParameter.LanCommunityString or Pef.PefParameter.LanDestinationType or Pef.PefParameter.LanDestinationAddresses)
        {
            return SetAlerting(parameter, data);
        }

        return Reply.Offload(() => Apply(parameter, data) ? IpmiResponse.Ok() : IpmiResponse.Error(CompletionCode.InvalidDataFieldInRequest));
    }

    /// <summary>
    /// PEF's LAN alerting: the SNMP community and the alert destinations. Destinations are PET
    /// traps (type 0) without acknowledgement, to an IPv4 address (format 0) through either gateway.
    /// </summary>
    private ValueTask<IpmiResponse> SetAlerting(byte parameter, byte[] data)
    {
        if (parameter != Pef.PefParameter.LanCommunityString)
        {
            if (data[0] > Pef.PefConfiguration.DestinationCount)
            {
                return Reply.Error(CompletionCode.ParameterOutOfRange);
            }

            bool valid = parameter == Pef.PefParameter.LanDestinationType
                ? (data[1] & 0xF8) == 0 && (data[1] & 0x07) == 0     // PET trap, not acknowledged
                : data[1] >> 4 == 0 && data[2] <= 1;                  // IPv4 and MAC; default or backup gateway
            if (!valid)
            {
                return Reply.BadField();
            }
        }
        else if (data.Any(b => b is not 0 and (< 0x20 or > 0x7E)))
        {
            return Reply.BadField(); // printable ASCII, NUL-padded
        }

        return Reply.Offload(() =>
        {
            switch (parameter)
            {
                case Pef.PefParameter.LanCommunityString:
                    alerts.Community = data;
                    break;
                case Pef.PefParameter.LanDestinationType:
                    alerts.SetDestinationType(data[0], data.AsSpan(1));
                    break;
                default:
                    alerts.SetDestinationAddress(data[0], data.AsSpan(1));
                    break;
            }

            return IpmiResponse.Ok();
        });
    }

    private bool Apply(byte parameter, byte[] data)
    {
        if (parameter == LanParameter.CipherSuitePrivilegeLevels)
        {
            return ApplySuiteLimits(data);
        }

        if (parameter == LanParameter.BadPasswordThreshold)
        {
            AccountPolicy? policy = Transport.BadPasswordThreshold.Apply(accounts.Policy, data);
            if (policy is not null)
            {
                accounts.Policy = policy;
            }

            return policy is not null;
        }

        NetworkConfiguration c = network.Current;
        NetworkConfiguration? updated = parameter switch
        {
            LanParameter.IpAddress when IsHostAddress(data) => c with { Address = new IPAddress(data) },
            LanParameter.SubnetMask => c with { SubnetMask = new IPAddress(data) },
            LanParameter.DefaultGatewayAddress => c with { Gateway = new IPAddress(data) },
            LanParameter.IpAddressSource when data[0] is LanParameter.SourceStatic or LanParameter.SourceDhcp =>
                c with { Source = data[0] == LanParameter.SourceDhcp ? IpAddressSource.Dhcp : IpAddressSource.Static },
            LanParameter.MacAddress when (data[0] & 0x01) == 0 && data.Any(b => b != 0) => c with { MacAddress = new PhysicalAddress(data) },
            LanParameter.VlanId when (data[1] & 0x70) == 0 => (data[1] & 0x80) == 0
                ? c with { VlanId = null }
                : c with { VlanId = data[0] | ((data[1] & 0x0F) << 8) },
            _ => null,
        };
        if (updated is null)
        {
            return false;
        }

        try
        {
            network.Update(updated);
            if (parameter == LanParameter.VlanId && updated.VlanId is null)
            {
                disabledVlan.Id = data[0] | ((data[1] & 0x0F) << 8);
            }

            return true;
        }
        catch (ArgumentException)
        {
            return false; // e.g. not a subnet mask, or VLAN 0
        }
    }

    private bool ApplySuiteLimits(byte[] data)
    {
        var levels = new PrivilegeLevel[LanChannel.CipherSuites.Count];
        for (int i = 0; i < 16; i++)
        {
            int level = (data[1 + (i / 2)] >> (i % 2 * 4)) & 0x0F;
            if (i < levels.Length)
            {
                if (level is < 1 or > 4)
                {
                    return false;
                }

                levels[i] = (PrivilegeLevel)level;
            }
            else if (level != 0)
            {
                return false; // no cipher suite in that entry
            }
        }

        for (int i = 0; i < levels.Length; i++)
        {
            channel.SetSuiteLimit(LanChannel.CipherSuites[i], levels[i]);
        }

        return true;
    }

    // A unicast host address: not 0.0.0.0, not broadcast, not multicast or the reserved class E.
    private static bool IsHostAddress(byte[] a) => a.Any(b => b != 0) && a[0] is not (>= 224) && !a.All(b => b == 0xFF);
}
