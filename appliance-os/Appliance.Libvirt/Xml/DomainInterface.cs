using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>A network &lt;interface&gt; on a libvirt network or a host bridge (Linux or Open vSwitch).</summary>
public sealed class DomainInterface
{
    /// <summary>"network" (a libvirt network) or "bridge" (an existing host bridge).</summary>
    public string Type { get; set; } = "network";

    /// <summary>The libvirt network name (Type "network") or the bridge name (Type "bridge").</summary>
    public required string Source { get; set; }

    public string? MacAddress { get; set; }

    public string Model { get; set; } = "virtio";

    /// <summary>"openvswitch" for an OVS port; null for a Linux bridge.</summary>
    public string? VirtualPortType { get; set; }

    /// <summary>802.1Q tag of the port (Open vSwitch only).</summary>
    public int? VlanTag { get; set; }

    /// <summary>Host-side tap device of a running domain (read back from libvirt).</summary>
    public string? TargetDevice { get; set; }

    internal XElement ToXml() => new("interface",
        new XAttribute("type", Type),
        MacAddress is null ? null : new XElement("mac", new XAttribute("address", MacAddress)),
        new XElement("source", new XAttribute(Type == "bridge" ? "bridge" : "network", Source)),
        VirtualPortType is null ? null : new XElement("virtualport", new XAttribute("type", VirtualPortType)),
        VlanTag is null ? null : new XElement("vlan", new XElement("tag", new XAttribute("id", VlanTag.Value.ToString(CultureInfo.InvariantCulture)))),
        new XElement("model", new XAttribute("type", Model)));

    internal static DomainInterface? Parse(XElement element)
    {
        string type = element.Attr("type") ?? "";
        var source = element.Element("source");
        string? name = type switch
        {
            "network" => source.Attr("network"),
            "bridge" => source.Attr("bridge"),
            _ => null,
        };
        if (name is null) return null;
        return new DomainInterface
        {
            Type = type,
            Source = name,
            MacAddress = element.Element("mac").Attr("address"),
            Model = element.Element("model").Attr("type") ?? "virtio",
            VirtualPortType = element.Element("virtualport").Attr("type"),
            VlanTag = XmlRead.Int(element.Element("vlan")?.Element("tag").Attr("id")),
            TargetDevice = element.Element("target").Attr("dev"),
        };
    }
}
