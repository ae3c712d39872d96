using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>A libvirt &lt;network&gt; that is only a bridge: no addresses, DHCP or NAT on the host.
/// With <see cref="ForwardBridge"/> it names an existing host bridge instead of creating one.</summary>
public sealed class NetworkDefinition
{
    public required string Name { get; set; }

    public required string Bridge { get; set; }

    /// <summary>True: use an existing bridge (&lt;forward mode='bridge'/&gt;); false: libvirt creates an isolated one.</summary>
    public bool ForwardBridge { get; set; }

    /// <summary>"openvswitch" when <see cref="Bridge"/> is an OVS bridge.</summary>
    public string? VirtualPortType { get; set; }

    public string ToXml() => new XElement("network",
        new XElement("name", Name),
        ForwardBridge ? new XElement("forward", new XAttribute("mode", "bridge")) : null,
        new XElement("bridge", new XAttribute("name", Bridge), ForwardBridge ? null : new XAttribute("stp", "off")),
        VirtualPortType is null ? null : new XElement("virtualport", new XAttribute("type", VirtualPortType))).ToString();

    public static NetworkDefinition Parse(string xml)
    {
        var root = XmlRead.Load(xml, "network").Root ?? throw new FormatException("network XML is empty");
        return new NetworkDefinition
        {
            Name = root.Text("name") ?? throw new FormatException("network XML has no <name>"),
            Bridge = root.Element("bridge").Attr("name") ?? "",
            ForwardBridge = root.Element("forward").Attr("mode") == "bridge",
            VirtualPortType = root.Element("virtualport").Attr("type"),
        };
    }
}
