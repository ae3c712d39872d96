using System.Globalization;

namespace Appliance.Node.Configuration;

/// <summary>How VM networks reach the node: one Linux bridge by default, an Open vSwitch bridge with
/// a VLAN per VM network when OVS is installed (or chosen).</summary>
public sealed class NetworkOptions
{
    /// <summary>"auto" (OVS when ovs-vsctl answers, else Linux bridge), "linux-bridge" or "openvswitch".</summary>
    public string Mode { get; set; } = "auto";

    /// <summary>The node's bridge device.</summary>
    public string Bridge { get; set; } = "appliance0";

    /// <summary>Open vSwitch datapath of the bridge: "auto" (the kernel's when its openvswitch module
    /// is there, else the userspace one), "system" (kernel) or "netdev" (userspace, in ovs-vswitchd).</summary>
    public string Datapath { get; set; } = "auto";

    /// <summary>The libvirt network that owns the Linux bridge.</summary>
    public string LibvirtNetwork { get; set; } = "appliance";

    /// <summary>VM network names and their VLAN tags (null = untagged). Tags are applied on OVS only.</summary>
    public Dictionary<string, int?> Networks { get; set; } = new(StringComparer.Ordinal) { ["default"] = null };

    public static NetworkOptions Load(IConfigurationSection section)
    {
        var options = new NetworkOptions
        {
            Mode = NodeOptions.OneOf(section, "Mode", "auto", "auto", "linux-bridge", "openvswitch"),
            Bridge = NodeOptions.Text(section, "Bridge", "appliance0"),
            Datapath = NodeOptions.OneOf(section, "Datapath", "auto", "auto", "system", "netdev"),
            LibvirtNetwork = NodeOptions.Text(section, "LibvirtNetwork", "appliance"),
        };
        if (options.Bridge.Length > 15 || !options.Bridge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw NodeOptions.Invalid(section, "Bridge", options.Bridge, "must be a Linux interface name (at most 15 letters, digits, '-', '_' or '.')");
        var networks = section.GetSection("Networks");
        if (networks.Exists())
        {
            options.Networks.Clear();
            foreach (var child in networks.GetChildren())
            {
                if (!Names.IsValid(child.Key))
                    throw NodeOptions.Invalid(networks, child.Key, child.Value ?? "", "is not a valid network name (lower-case letters, digits and '-')");
                if (string.IsNullOrEmpty(child.Value) || child.Value == "untagged")
                    options.Networks[child.Key] = null;
                else if (int.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int tag) && tag is >= 1 and <= 4094)
                    options.Networks[child.Key] = tag;
                else
                    throw NodeOptions.Invalid(networks, child.Key, child.Value, "must be a VLAN tag from 1 to 4094 or 'untagged'");
            }
        }
        return options;
    }
}
