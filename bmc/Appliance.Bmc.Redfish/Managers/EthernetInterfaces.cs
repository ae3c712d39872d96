using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Appliance.Bmc.Network;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// /redfish/v1/Managers/bmc/EthernetInterfaces/eth0: the management NIC's settings, the same
/// record IPMI's LAN configuration parameters read and change.
/// </summary>
public static class EthernetInterfaces
{
    public const string Uri = RedfishServices.ManagerUri + "/EthernetInterfaces";
    public const string InterfaceId = "eth0";

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Managers/{ManagerId}/EthernetInterfaces", "EthernetInterfaceCollection")
            .OnGet(request => Manager.Exists(request)
                ? RedfishJson.Collection(Uri, "EthernetInterfaceCollection", "Ethernet Network Interface Collection", [Uri + "/" + InterfaceId])
                : null);
        services.Router.Resource("/redfish/v1/Managers/{ManagerId}/EthernetInterfaces/{EthernetInterfaceId}", "EthernetInterface")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureManager, PatchAsync);
    }

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Manager.Exists(request) || request["EthernetInterfaceId"] != InterfaceId)
        {
            return null;
        }

        NetworkConfiguration n = request.Host.Network.Current;
        string mac = string.Join(':', n.MacAddress.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var address = new JsonObject
        {
            ["Address"] = n.Address.ToString(),
            ["SubnetMask"] = n.SubnetMask.ToString(),
            ["Gateway"] = n.Gateway.ToString(),
            ["AddressOrigin"] = n.Source == IpAddressSource.Dhcp ? "DHCP" : "Static",
        };
        return new JsonObject
        {
            ["@odata.id"] = Uri + "/" + InterfaceId,
            ["@odata.type"] = "#EthernetInterface.v1_10_0.EthernetInterface",
            ["Id"] = InterfaceId,
            ["Name"] = "Manager Ethernet Interface",
            ["Description"] = "Management network interface",
            ["InterfaceEnabled"] = true,
            ["LinkStatus"] = "LinkUp",

            // The link speed and name servers are the NIC's and resolver's to say; the BMC keeps neither.
            ["SpeedMbps"] = null,
            ["NameServers"] = new JsonArray(),
            ["Status"] = Health.Status("Enabled", Health.Ok),
            ["MACAddress"] = mac,
            ["PermanentMACAddress"] = mac,
            ["HostName"] = n.HostName,
            ["FQDN"] = n.Fqdn,
            ["DHCPv4"] = new JsonObject { ["DHCPEnabled"] = n.Source == IpAddressSource.Dhcp },
            ["IPv4Addresses"] = new JsonArray(address),
            ["IPv4StaticAddresses"] = n.Source == IpAddressSource.Static
                ? new JsonArray(new JsonObject { ["Address"] = n.Address.ToString(), ["SubnetMask"] = n.SubnetMask.ToString(), ["Gateway"] = n.Gateway.ToString() })
                : new JsonArray(),
            ["VLAN"] = new JsonObject { ["VLANEnable"] = n.VlanId is not null, ["VLANId"] = n.VlanId },
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["HostName", "DHCPv4/DHCPEnabled", "IPv4StaticAddresses", "VLAN/VLANEnable", "VLAN/VLANId"]),
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        NetworkConfiguration current = request.Host.Network.Current;
        NetworkConfiguration next = current;
        var body = new BodyReader(request.Body, request.Current);

        if (body.String("HostName") is string hostName)
        {
            if (NetworkSettings.IsHostName(hostName))
            {
                next = next with { HostName = hostName };
            }
            else
            {
                body.Fail(BaseMessages.PropertyValueFormatError(hostName, "HostName"));
            }
        }

        if (body.Object("DHCPv4")?.Bool("DHCPEnabled") is bool dhcp)
        {
            next = next with { Source = dhcp ? IpAddressSource.Dhcp : IpAddressSource.Static };
        }

        if (body.Objects("IPv4StaticAddresses") is { } statics)
        {
            if (statics.Count != 1)
            {
                body.Fail(BaseMessages.PropertyValueFormatError($"{statics.Count} addresses", "IPv4StaticAddresses"));
            }
            else
            {
                next = next with
                {
                    Source = IpAddressSource.Static,
                    Address = Ip(body, statics[0], "Address", next.Address),
                    SubnetMask = Ip(body, statics[0], "SubnetMask", next.SubnetMask),
                    Gateway = Ip(body, statics[0], "Gateway", next.Gateway),
                };
            }
        }

        if (body.Object("VLAN") is BodyReader vlan)
        {
            bool? enable = vlan.Bool("VLANEnable");
            long? id = vlan.Integer("VLANId", 1, 4094);
            if (enable == false)
            {
                next = next with { VlanId = null };
            }
            else if (id is long vlanId)
            {
                next = next with { VlanId = (int)vlanId };
            }
            else if (enable == true && next.VlanId is null)
            {
                vlan.Require("VLANId");
            }
        }

        body.Finish();
        if (next == current)
        {
            return Task.FromResult(RedfishResult.Ok(Get(request)!));
        }

        try
        {
            NetworkSettings.Validate(next);
        }
        catch (ArgumentException e)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.GeneralError(e.Message));
        }

        request.Host.Network.Update(next);
        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }

    private static IPAddress Ip(BodyReader body, BodyReader entry, string name, IPAddress fallback)
    {
        string? text = entry.String(name);
        if (text is null)
        {
            return fallback;
        }

        if (IPAddress.TryParse(text, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3)
        {
            return ip;
        }

        body.Fail(BaseMessages.PropertyValueFormatError(text, "IPv4StaticAddresses/0/" + name));
        return fallback;
    }
}
