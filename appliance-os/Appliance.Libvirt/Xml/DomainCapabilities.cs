using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>The CPU half of virConnectGetDomainCapabilities for one domain type.</summary>
public sealed class DomainCapabilities
{
    public string? DomainType { get; init; }
    public bool HostPassthroughSupported { get; init; }
    public bool HostModelSupported { get; init; }

    /// <summary>Features the host-model CPU requires or disables (name to policy).</summary>
    public IReadOnlyDictionary<string, string> HostModelFeatures { get; init; } = new Dictionary<string, string>();

    public static DomainCapabilities Parse(string xml)
    {
        var root = XmlRead.Load(xml, "domain capabilities").Root ?? throw new FormatException("domain capabilities XML is empty");
        var modes = root.Element("cpu")?.Elements("mode").ToList() ?? [];
        XElement? Mode(string name) => modes.FirstOrDefault(m => m.Attr("name") == name);
        var hostModel = Mode("host-model");
        return new DomainCapabilities
        {
            DomainType = root.Text("domain"),
            HostPassthroughSupported = Mode("host-passthrough").Attr("supported") == "yes",
            HostModelSupported = hostModel.Attr("supported") == "yes",
            HostModelFeatures = hostModel?.Elements("feature")
                .Where(f => f.Attr("name") is not null)
                .GroupBy(f => f.Attr("name")!)
                .ToDictionary(g => g.Key, g => g.Last().Attr("policy") ?? "require", StringComparer.Ordinal)
                ?? new Dictionary<string, string>(),
        };
    }
}
