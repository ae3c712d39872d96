using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Network;

/// <summary>
/// The stored management network configuration. IPMI, Redfish and the front panel read and
/// change the same record; a change is durable and announced at once. (On a board this would
/// also reconfigure the NIC; the simulated BMC serves on the loopback endpoints it was started with.)
/// </summary>
public sealed class NetworkSettings(SettingsStore settings, NetworkConfiguration defaults)
{
    private readonly Lock _lock = new();

    public event Action<NetworkConfiguration>? Changed;

    public NetworkConfiguration Current
    {
        get
        {
            lock (_lock)
            {
                return new NetworkConfiguration(
                    Enum.TryParse(settings.Get("net.source"), out IpAddressSource source) ? source : defaults.Source,
                    Ip("net.address", defaults.Address),
                    Ip("net.netmask", defaults.SubnetMask),
                    Ip("net.gateway", defaults.Gateway),
                    settings.Get("net.mac") is string mac ? PhysicalAddress.Parse(mac) : defaults.MacAddress,
                    settings.Get("net.hostname") ?? defaults.HostName,
                    settings.Get("net.vlan") is string vlan ? int.Parse(vlan, System.Globalization.CultureInfo.InvariantCulture) : defaults.VlanId);
            }
        }
    }

    public void Update(NetworkConfiguration configuration)
    {
        Validate(configuration);
        lock (_lock)
        {
            settings.Set("net.source", configuration.Source.ToString());
            settings.Set("net.address", configuration.Address.ToString());
            settings.Set("net.netmask", configuration.SubnetMask.ToString());
            settings.Set("net.gateway", configuration.Gateway.ToString());
            settings.Set("net.mac", configuration.MacAddress.ToString());
            settings.Set("net.hostname", configuration.HostName);
            if (configuration.VlanId is int vlan)
            {
                settings.Set("net.vlan", vlan.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                settings.Remove("net.vlan");
            }
        }

        Changed?.Invoke(configuration);
    }

    /// <summary>Forgets every change (factory reset).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (string key in new[] { "net.source", "net.address", "net.netmask", "net.gateway", "net.mac", "net.hostname", "net.vlan" })
            {
                settings.Remove(key);
            }
        }

        Changed?.Invoke(Current);
    }

    public static void Validate(NetworkConfiguration c)
    {
        if (c.Address.AddressFamily != AddressFamily.InterNetwork || c.SubnetMask.AddressFamily != AddressFamily.InterNetwork
            || c.Gateway.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("addresses must be IPv4");
        }

        if (!IsContiguousMask(c.SubnetMask))
        {
            throw new ArgumentException($"{c.SubnetMask} is not a subnet mask");
        }

        if (!IsHostName(c.HostName))
        {
            throw new ArgumentException($"'{c.HostName}' is not a host name (letters, digits and '-', 1..63 characters per label)");
        }

        if (c.VlanId is < 1 or > 4094)
        {
            throw new ArgumentException("VLAN IDs are 1..4094");
        }
    }

    public static bool IsContiguousMask(IPAddress mask)
    {
        byte[] b = mask.GetAddressBytes();
        uint value = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        uint inverted = ~value;
        return (inverted & (inverted + 1)) == 0;
    }

    public static bool IsHostName(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-')
            && label[0] != '-' && label[^1] != '-');

    private IPAddress Ip(string key, IPAddress fallback) => settings.Get(key) is string text && IPAddress.TryParse(text, out IPAddress? ip) ? ip : fallback;
}
